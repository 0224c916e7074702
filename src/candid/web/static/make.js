"use strict";
// Make: upload a photo, pick the recipe options, follow the job by server-sent events.
let uploadId = null, jobId = null, source = null;

async function loadSubjects() {
  const sel = candid.el("subject");
  for (const s of await candid.api("GET", "/api/subjects")) {
    const o = document.createElement("option");
    o.value = o.textContent = s.name;
    sel.appendChild(o);
  }
}

candid.el("source").addEventListener("change", async ev => {
  const file = ev.target.files[0];
  if (!file) return;
  const msg = candid.el("upload-msg");
  msg.textContent = "uploading...";
  candid.el("make-btn").disabled = true;
  const form = new FormData();
  form.append("file", file);
  form.append("purpose", "source");
  try {
    const meta = await candid.api("POST", "/api/uploads", form);
    uploadId = meta.id;
    msg.textContent = `${meta.filename}: ${meta.width}x${meta.height} ${meta.format}`;
    candid.el("make-btn").disabled = false;
  } catch (err) { candid.showError(msg, err); }
});

// The finished portrait: the image first, then what changed (sentences), the inspector's
// findings with a legend, and what you can do with it.
async function showResult(id) {
  const res = await candid.api("GET", `/api/results/${id}`);
  const s = res.summary;
  const box = candid.el("result");
  const changes = (s.changes || []).map(c => `<li>${candid.esc(c)}</li>`).join("") || "<li>nothing beyond the style's light and background</li>";
  box.innerHTML = `<div class="result-view">
    <div><img id="result-image" alt="the finished portrait" src="/api/results/${id}/preview/view.jpg">
      <p class="hint">${s.width} x ${s.height} pixels, labelled as AI-edited inside the file.</p></div>
    <div><h2>What changed</h2><ul id="changes" class="changes">${changes}</ul>
    <div class="actions"><a id="open-compare" href="/compare?job=${id}">Compare with your photo at 1:1</a>
      <a href="/api/results/${id}/image">Download</a>
      ${s.matte ? `<a id="download-matte" href="/api/results/${id}/matte" title="${candid.esc(s.matte.what)}">Matte (PNG)</a>` : ""}
      <button type="button" class="quiet" id="make-again">Make again</button>
      <button type="button" class="quiet" id="delete-result">Delete</button></div>
    <h2>What the inspector sees</h2>
    <p class="hint">Overall ${s.overall.toFixed(2)} on a scale from 0 (looks like a photo) to 1 (looks AI-made).
      Each line is one tell: how strongly it shows, and why.</p>
    ${candid.tellTable(s.tells || [])}</div></div>`;
  box.hidden = false;
  candid.el("make-again").addEventListener("click", () => { location.href = `/make?again=${id}`; });
  candid.el("delete-result").addEventListener("click", async () => {
    if (!confirm("Delete this portrait, its log and (if no other result uses it) the photo it was made from?")) return;
    await candid.api("DELETE", `/api/jobs/${id}`);
    box.innerHTML = `<p class="ok">Deleted.</p>`;
  });
}

// "Make again": the form filled with a finished job's settings and the same photo.
let keepAgain = null;
async function prefill(id) {
  const job = await candid.api("GET", `/api/jobs/${id}`);
  const p = job.params || {};
  for (const k of ["engine", "style", "background", "light", "look", "size", "subject", "straighten", "catchlights"]) {
    const sel = candid.el(k);
    if (!sel || p[k] == null) continue;
    if (![...sel.options].some(o => o.value === String(p[k]))) {  // a value the menu does not list (API-made job)
      const o = document.createElement("option");
      o.value = o.textContent = String(p[k]);
      sel.appendChild(o);
    }
    sel.value = String(p[k]);
  }
  candid.el("seed").value = p.seed || 0;
  keepAgain = p.keep && Object.keys(p.keep).length ? p.keep : null;
  if (p.upload) {
    uploadId = p.upload;
    candid.el("upload-msg").textContent = `the same photo as before (${p.filename || "your upload"}); choose another to change it`;
    candid.el("make-btn").disabled = false;
  }
  candid.el("make").dataset.prefilled = "1";
}

// What a stage does, in words a person understands (the log keeps the technical names).
const STAGE_WORDS = {
  "face.analyze": "finding the face", "engine.studio": "framing, lighting and the new background",
  "honest": "checking for flattery against your own photos", "finish": "bringing it to the final size",
  "looks.film": "applying the film look", "inspect": "looking for signs of AI", "writing": "writing the labelled file",
  "tiles and heatmaps": "preparing the side-by-side view", "restore": "repairing the print",
};
const started = {};
function plainStage(job) {
  const words = STAGE_WORDS[job.stage] || (job.stage || "").replace(/[._]/g, " ");
  if (job.state !== "running") return job.state === "queued" ? "waiting for a free worker" : "";
  started[job.id] = started[job.id] || Date.now();
  const spent = (Date.now() - started[job.id]) / 1000;
  const left = job.progress > 0.05 ? spent * (1 - job.progress) / job.progress : null;
  const eta = left == null ? "" : left < 60 ? `, about ${Math.max(5, Math.round(left / 5) * 5)} s left` : `, about ${Math.round(left / 60)} min left`;
  return `${words}${eta}`;
}

function follow(id) {
  jobId = id;
  candid.el("job").hidden = false;
  candid.el("cancel-btn").hidden = false;
  const es = new EventSource(`/api/jobs/${id}/events`);
  es.addEventListener("progress", async ev => {
    const job = JSON.parse(ev.data);
    candid.el("bar").style.width = `${Math.round(job.progress * 100)}%`;
    candid.el("job-state").textContent = job.state;
    candid.el("stage").textContent = plainStage(job);
    candid.el("log").textContent = await candid.api("GET", `/api/jobs/${id}/log`);
    if (["done", "failed", "cancelled"].includes(job.state)) {
      es.close();
      candid.el("cancel-btn").hidden = true;
      candid.el("make-btn").disabled = false;
      const msg = candid.el("job-msg");
      if (job.state === "done") { msg.innerHTML = ""; showResult(id).catch(err => candid.showError(msg, err)); }
      else candid.showError(msg, { message: job.error || job.state, hint: job.hint });
    }
  });
  es.onerror = () => { /* the browser reconnects by itself */ };
}

candid.el("make").addEventListener("submit", async ev => {
  ev.preventDefault();
  const v = id => candid.el(id).value || null;
  const body = { upload: uploadId, engine: v("engine"), style: v("style"), background: v("background"), light: v("light"),
    look: v("look"), size: v("size"), subject: v("subject"), seed: parseInt(candid.el("seed").value || "0", 10),
    straighten: v("straighten"), catchlights: v("catchlights") };
  const keep = new URLSearchParams(location.search).get("keep");
  if (keep) body.keep = JSON.parse(keep);
  else if (keepAgain) body.keep = keepAgain;
  Object.keys(body).forEach(k => body[k] === null && delete body[k]);
  candid.el("make-btn").disabled = true;
  candid.el("job-msg").textContent = "";
  try { follow((await candid.api("POST", "/api/jobs", body)).id); }
  catch (err) { candid.el("job").hidden = false; candid.showError(candid.el("job-msg"), err); candid.el("make-btn").disabled = false; }
});

candid.el("cancel-btn").addEventListener("click", async () => {
  if (jobId) await candid.api("POST", `/api/jobs/${jobId}/cancel`);
});

const follow_id = new URLSearchParams(location.search).get("job");
const again_id = new URLSearchParams(location.search).get("again");
// The form shows the settings of the job being followed or made again (after the subject menu exists).
const fill_id = [again_id, follow_id].find(x => x && /^[0-9a-f]{32}$/.test(x));
loadSubjects().catch(() => {}).then(() => {
  if (fill_id) prefill(fill_id).catch(err => candid.showError(candid.el("upload-msg"), err));
});
if (follow_id && /^[0-9a-f]{32}$/.test(follow_id)) follow(follow_id);
