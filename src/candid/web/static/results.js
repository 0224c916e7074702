"use strict";
// Results: a gallery of finished portraits (pick two to compare them) and the queue with cancel.
const picked = [];
function showPair() {
  document.querySelectorAll(".pick").forEach(b => { b.checked = picked.includes(b.value); });
  const box = candid.el("pair");
  box.innerHTML = picked.length === 2
    ? `<a id="compare-pair" href="/compare?left=${picked[0]}:result&right=${picked[1]}:result">Compare the two picked results side by side</a>`
    : `<span class="hint">pick two results to compare them side by side</span>`;
}
async function refresh() {
  const jobs = await candid.api("GET", "/api/jobs?limit=200");
  const gallery = candid.el("gallery");
  gallery.innerHTML = "";
  const queue = document.querySelector("#queue tbody");
  queue.innerHTML = "";
  for (const job of jobs) {
    const name = candid.esc(job.params.filename || "");
    if (job.state === "done") {
      const card = document.createElement("div");
      card.className = "card";
      card.innerHTML = `<a href="/make?job=${job.id}" title="open the result page"><img loading="lazy" alt="result" src="/api/results/${job.id}/preview/thumb.jpg"></a>
        <div>${name} &middot; ${candid.esc(job.params.style)}</div><div class="hint">${candid.esc(job.updated.slice(0, 19).replace("T", " "))}</div>
        <a href="/make?job=${job.id}">open</a> &middot; <a href="/compare?job=${job.id}">compare</a> &middot; <a href="/api/results/${job.id}/image">download</a> &middot; <a href="/api/results/${job.id}/report" target="_blank">report</a>
        &middot; <a href="#" class="del">delete</a>
        <br><label><input type="checkbox" class="pick" value="${job.id}"${picked.includes(job.id) ? " checked" : ""}> pick to compare</label>`;
      card.querySelector(".del").addEventListener("click", async ev => {
        ev.preventDefault();
        if (!confirm("Delete this result, its log and (if no other result uses it) the photo it was made from?")) return;
        await candid.api("DELETE", `/api/jobs/${job.id}`);
        const i = picked.indexOf(job.id);
        if (i >= 0) picked.splice(i, 1);
        refresh();
      });
      card.querySelector(".pick").addEventListener("change", ev => {
        const i = picked.indexOf(job.id);
        if (ev.target.checked && i < 0) picked.push(job.id);
        if (!ev.target.checked && i >= 0) picked.splice(i, 1);
        while (picked.length > 2) picked.shift();
        showPair();
      });
      gallery.appendChild(card);
    }
    const tr = document.createElement("tr");
    tr.innerHTML = `<td><a href="/make?job=${job.id}">${job.id.slice(0, 8)}</a></td><td>${name}</td><td>${candid.esc(job.state)}${job.error ? ": " + candid.esc(job.error) : ""}</td>
      <td>${Math.round(job.progress * 100)}% ${candid.esc(job.stage)}</td><td></td>`;
    if (job.state === "queued" || job.state === "running") {
      const b = document.createElement("button");
      b.className = "quiet"; b.type = "button"; b.textContent = "Cancel";
      b.addEventListener("click", async () => { await candid.api("POST", `/api/jobs/${job.id}/cancel`); refresh(); });
      tr.lastElementChild.appendChild(b);
    }
    queue.appendChild(tr);
  }
  showPair();
  if (!gallery.children.length) gallery.innerHTML = `<p class="hint">nothing made yet - <a href="/make">make a portrait</a></p>`;
}
refresh();
setInterval(refresh, 4000);
