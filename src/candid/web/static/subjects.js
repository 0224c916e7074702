"use strict";
// Subjects: list, delete, enroll from reference photos with per-photo quality feedback.
const uploads = [];  // {id, ok, li}

async function loadSubjects() {
  const body = document.querySelector("#subjects tbody");
  const list = await candid.api("GET", "/api/subjects");
  body.innerHTML = list.length ? "" : `<tr><td colspan="4" class="hint">nobody enrolled yet</td></tr>`;
  for (const s of list) {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td>${candid.esc(s.name)}</td><td>${s.photos}</td><td>${candid.esc(s.consent)}</td><td><button class="quiet" type="button">Delete</button></td>`;
    tr.querySelector("button").addEventListener("click", () => askErase(s.name));
    body.appendChild(tr);
  }
}

// Erasing asks first: what goes for certain, and what may show the person (made without choosing them),
// each a box to tick. Nothing is erased until "Erase for good".
async function askErase(name) {
  const box = candid.el("erase");
  const msg = candid.el("subjects-msg");
  box.hidden = false;
  box.innerHTML = `<p class="hint">Looking for everything candid holds about ${candid.esc(name)}...</p>`;
  let t;
  try { t = await candid.api("GET", `/api/subjects/${encodeURIComponent(name)}/traces`); }
  catch (err) { candid.showError(box, err); return; }
  const n = (k, one, many) => `${k} ${k === 1 ? one : many}`;
  const cands = t.candidates.map(c => `<li><label><input type="checkbox" data-id="${candid.esc(c.id)}"> ` +
    (c.kind === "result" ? `<img alt="" src="/api/results/${candid.esc(c.id)}/preview/thumb.jpg"> ` : "") +
    `${candid.esc(c.label)} <span class="hint">(${candid.esc(c.likeness)} likeness)</span></label></li>`).join("");
  box.innerHTML = `<h2>Erase ${candid.esc(t.name)} from candid for good?</h2>
    <p>This removes ${n(t.photos, "reference photo", "reference photos")} with their face measurements and the consent record,
    ${n(t.results, "studio portrait", "studio portraits")} made for them (with logs and source photos)` +
    (t.reference_uploads ? `, and ${n(t.reference_uploads, "reference photo", "reference photos")} uploaded but never enrolled` : "") + `.` +
    (t.running ? ` ${n(t.running, "job", "jobs")} still running for them will be cancelled; erase again once they stopped.` : "") + `</p>` +
    (cands ? `<p>These were made without choosing ${candid.esc(t.name)}, but the face looks like theirs.
      Tick the ones that are them; the others stay. (Face matching also mistakes look-alikes, so candid does not decide this for you.)</p>
      <ul class="candidates">${cands}</ul>` : "") +
    `<p><button type="button" id="erase-go">Erase for good</button> <button type="button" class="quiet" id="erase-no">Cancel</button></p>`;
  candid.el("erase-no").addEventListener("click", () => { box.hidden = true; box.innerHTML = ""; });
  candid.el("erase-go").addEventListener("click", async () => {
    const also = [...box.querySelectorAll("input[data-id]:checked")].map(i => "also=" + encodeURIComponent(i.dataset.id));
    try {
      const r = await candid.api("DELETE", `/api/subjects/${encodeURIComponent(name)}` + (also.length ? "?" + also.join("&") : ""));
      box.hidden = true; box.innerHTML = "";
      msg.textContent = `Erased ${r.name}: ${n(r.photos_removed, "reference photo", "reference photos")}, ` +
        `${n(r.files_removed, "library file", "library files")}, ${n(r.results_removed || 0, "studio portrait", "studio portraits")}, ` +
        `${n(r.uploads_removed || 0, "unused upload", "unused uploads")}. ` +
        (r.kept && r.kept.length ? `Kept as you chose (they may show someone else): ${r.kept.join("; ")}. ` : "") +
        (r.leftovers.length ? `Could not remove: ${r.leftovers.join(", ")}` : "Nothing else of them is left in candid.");
      loadSubjects();
    } catch (err) { candid.showError(box, err); }
  });
}

candid.el("photos").addEventListener("change", async ev => {
  for (const file of ev.target.files) {
    const li = document.createElement("li");
    li.innerHTML = `<img alt=""><div class="name">${candid.esc(file.name)}</div><div class="verdict hint">checking...</div>`;
    li.querySelector("img").src = URL.createObjectURL(file);
    candid.el("photo-list").appendChild(li);
    const entry = { id: null, ok: false, li };
    uploads.push(entry);
    const form = new FormData();
    form.append("file", file);
    form.append("purpose", "reference");
    const verdict = li.querySelector(".verdict");
    try {
      const meta = await candid.api("POST", "/api/uploads", form);
      entry.id = meta.id;
      entry.ok = meta.quality.ok;
      verdict.className = "verdict " + (meta.quality.ok ? "ok" : "error");
      verdict.textContent = meta.quality.ok
        ? "good" + (meta.quality.warnings.length ? " - " + meta.quality.warnings.join("; ") : "")
        : meta.quality.problems.join("; ");
    } catch (err) { candid.showError(verdict, err); }
  }
  ev.target.value = "";
});

candid.el("enroll").addEventListener("submit", async ev => {
  ev.preventDefault();
  const msg = candid.el("enroll-msg");
  const good = uploads.filter(u => u.ok).map(u => u.id);
  if (!good.length) { msg.innerHTML = `<span class="error">add at least one photo that passed the check</span>`; return; }
  if (!candid.el("consent-ok").checked) { msg.innerHTML = `<span class="error">please confirm the consent box</span>`; return; }
  const val = id => candid.el(id).value.trim() || null;
  const body = { name: candid.el("name").value, uploads: good, date_hint: val("date_hint"),
    consent: { kind: candid.el("consent-kind").value, given_by: val("consent-by"), relation: val("consent-relation"), purpose: val("consent-purpose") } };
  candid.el("enroll-btn").disabled = true;
  msg.textContent = "enrolling...";
  try {
    const r = await candid.api("POST", "/api/subjects", body);
    msg.innerHTML = `<span class="ok">Enrolled ${candid.esc(r.name)} with ${r.photos} photos.</span>`;
    uploads.length = 0;
    candid.el("photo-list").innerHTML = "";
    loadSubjects();
  } catch (err) { candid.showError(msg, err); }
  candid.el("enroll-btn").disabled = false;
});

loadSubjects().catch(err => candid.showError(candid.el("subjects-msg"), err));
