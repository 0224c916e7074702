// Shared helpers: the CSRF header on every state-changing request, errors as {error, hint}.
"use strict";
const candid = {
  csrf: null,
  async session() {
    if (!this.csrf) {
      const r = await fetch("/api/session", { credentials: "same-origin" });
      if (r.status === 401) { location.href = "/login"; throw new Error("log in first"); }
      this.csrf = (await r.json()).csrf;
    }
    return this.csrf;
  },
  async api(method, url, body) {
    const opts = { method, credentials: "same-origin", headers: {} };
    if (method !== "GET") opts.headers["X-Candid-CSRF"] = await this.session();
    if (body instanceof FormData) opts.body = body;
    else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
    const r = await fetch(url, opts);
    const type = r.headers.get("content-type") || "";
    const data = type.includes("json") ? await r.json() : await r.text();
    if (!r.ok) {
      const err = new Error((data && data.error) || `HTTP ${r.status}`);
      err.hint = data && data.hint;
      throw err;
    }
    return data;
  },
  esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  },
  showError(el, err) {
    el.innerHTML = `<span class="error">${this.esc(err.message)}</span>` + (err.hint ? `<br><span class="hint">hint: ${this.esc(err.hint)}</span>` : "");
  },
  el(id) { return document.getElementById(id); },
};
document.addEventListener("DOMContentLoaded", () => {
  const here = location.pathname.replace(/^\//, "");
  document.querySelectorAll("header nav a").forEach(a => { if (a.getAttribute("href") === "/" + here) a.classList.add("here"); });
});
