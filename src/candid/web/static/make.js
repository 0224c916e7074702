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

function follow(id) {
  jobId = id;
  candid.el("job").hidden = false;
  candid.el("cancel-btn").hidden = false;
  const es = new EventSource(`/api/jobs/${id}/events`);
  es.addEventListener("progress", async ev => {
    const job = JSON.parse(ev.data);
    candid.el("bar").style.width = `${Math.round(job.progress * 100)}%`;
    candid.el("job-state").textContent = job.state;
    candid.el("stage").textContent = job.stage;
    candid.el("log").textContent = await candid.api("GET", `/api/jobs/${id}/log`);
    if (["done", "failed", "cancelled"].includes(job.state)) {
      es.close();
      candid.el("cancel-btn").hidden = true;
      candid.el("make-btn").disabled = false;
      const msg = candid.el("job-msg");
      if (job.state === "done") msg.innerHTML = `<a id="open-compare" href="/compare?job=${id}">Open the compare view</a> &middot; <a href="/api/results/${id}/image">download</a>`;
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
  Object.keys(body).forEach(k => body[k] === null && delete body[k]);
  candid.el("make-btn").disabled = true;
  candid.el("job-msg").textContent = "";
  try { follow((await candid.api("POST", "/api/jobs", body)).id); }
  catch (err) { candid.el("job").hidden = false; candid.showError(candid.el("job-msg"), err); candid.el("make-btn").disabled = false; }
});

candid.el("cancel-btn").addEventListener("click", async () => {
  if (jobId) await candid.api("POST", `/api/jobs/${jobId}/cancel`);
});

loadSubjects().catch(() => {});
const follow_id = new URLSearchParams(location.search).get("job");
if (follow_id && /^[0-9a-f]{32}$/.test(follow_id)) follow(follow_id);
