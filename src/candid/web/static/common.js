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
  // One inspector finding as a table row in plain words: how strongly the tell shows, and why.
  // A tell measured with little confidence (a small face, no hands in view) says so instead of a level.
  tellRow(t) {
    const how = t.confidence < 0.25 ? "can't tell here" : t.score >= 0.66 ? "strong" : t.score >= 0.33 ? "some" : "little";
    const why = t.reason || (t.score < 0.33 ? "no sign of it" : "see where on its heatmap in the compare view");
    return `<tr><td>${this.esc(t.name)}</td><td title="score ${t.score.toFixed(2)}, confidence ${t.confidence.toFixed(2)}">${how}</td><td>${this.esc(why)}</td></tr>`;
  },
  tellTable(tells) {
    const rows = tells.slice().sort((a, b) => (b.confidence >= 0.25) - (a.confidence >= 0.25) || b.score - a.score).map(t => this.tellRow(t)).join("");
    return `<div class="legend">heatmaps: <span class="ramp"></span> clear = no sign, dark red to yellow = stronger sign</div>
      <div class="scroll-x"><table id="findings"><tr><th>tell</th><th>how strong</th><th>why</th></tr>${rows}</table></div>`;
  },
};
document.addEventListener("DOMContentLoaded", () => {
  const here = location.pathname.replace(/^\//, "");
  document.querySelectorAll("header nav a").forEach(a => { if (a.getAttribute("href") === "/" + here) a.classList.add("here"); });
});
