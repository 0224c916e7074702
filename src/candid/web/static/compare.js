"use strict";
// Compare: two deep-zoom viewers locked together in image pixels, heatmaps as overlays,
// and the flattery audit with a keep/undo slider per change.
const q = new URLSearchParams(location.search);
const HEX = /^[0-9a-f]{32}$/;
function side(spec, fallbackWhich) {  // "JOB" or "JOB:source|result"
  const [job, which] = (spec || "").split(":");
  if (!HEX.test(job)) return null;
  return { job, which: which === "source" || which === "result" ? which : fallbackWhich };
}
const L = side(q.get("left") || q.get("job"), "source");
const R = side(q.get("right") || q.get("job"), "result");
const viewers = {};
let syncing = false;

function makeViewer(id, s) {
  return OpenSeadragon({
    id, tileSources: `/api/results/${s.job}/tiles/${s.which}.dzi`, showNavigationControl: false,
    drawer: "canvas",  // the WebGL drawer left wrong triangles of tiles on a rotated viewer (Chromium, software GL)
    maxZoomPixelRatio: 16, minZoomImageRatio: 0.5, visibilityRatio: 0.2, animationTime: 0.25,
    gestureSettingsMouse: { clickToZoom: false }, preserveImageSizeOnResize: true,
  });
}

const imageZoom = v => (v.world.getItemAt(0) ? v.world.getItemAt(0).viewportToImageZoom(v.viewport.getZoom(true)) : 0);

// Alignment: each result records the 2x3 affine map from its source's pixels to its own
// (the studio's crop, scale, rotation and canvas, then the final resize). The viewers are locked
// on that map, so the same point of the face sits under both at every zoom.
const ID3 = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
const align = { left: null, right: null, focus: null };  // image -> common (source) frame, as 3x3
window.candidCompare = { viewers, align };  // for the browser tests
function m3(a) { return a ? [a[0], a[1], [0, 0, 1]] : null; }
function mul(a, b) { return a.map(r => [0, 1, 2].map(j => r[0] * b[0][j] + r[1] * b[1][j] + r[2] * b[2][j])); }
function inv(m) {
  const [[a, b, c], [d, e, f]] = m, det = a * e - b * d;
  return [[e / det, -b / det, (b * f - c * e) / det], [-d / det, a / det, (c * d - a * f) / det], [0, 0, 1]];
}
function apply(m, p) { return new OpenSeadragon.Point(m[0][0] * p.x + m[0][1] * p.y + m[0][2], m[1][0] * p.x + m[1][1] * p.y + m[1][2]); }
function toOther(a) {  // image pixels of viewer `a` -> image pixels of the other viewer, or null
  if (!align.left || !align.right) return null;
  return a === "left" ? mul(align.right, inv(align.left)) : mul(align.left, inv(align.right));
}

function sync(a, b) {
  const from = viewers[a], to = viewers[b];
  if (syncing || !candid.el("lock").checked) return;
  const ia = from.world.getItemAt(0), ib = to.world.getItemAt(0);
  if (!ia || !ib) return;
  syncing = true;
  const t = toOther(a);
  const z = ia.viewportToImageZoom(from.viewport.getZoom());
  const c = from.viewport.getCenter();
  if (t) {  // same content: map the centre through the recorded transform, scale the zoom by its size
    const s = Math.sqrt(Math.abs(t[0][0] * t[1][1] - t[0][1] * t[1][0]));
    to.viewport.zoomTo(ib.imageToViewportZoom(z / s), null, true);
    to.viewport.panTo(ib.imageToViewportCoordinates(apply(t, ia.viewportToImageCoordinates(c))), true);
  } else {  // no recorded transform (two unrelated photos): same fraction of the width / height
    to.viewport.zoomTo(ib.imageToViewportZoom(z), null, true);
    const ra = from.viewport.getHomeBounds(), rb = to.viewport.getHomeBounds();
    to.viewport.panTo(new OpenSeadragon.Point(rb.x + (c.x - ra.x) / ra.width * rb.width,
                                              rb.y + (c.y - ra.y) / ra.height * rb.height), true);
  }
  syncing = false;
}

function orient() {  // turn the left viewer so its content stands like the right one (a straightened head)
  const t = toOther("left");
  viewers.left.viewport.setRotation(t ? Math.atan2(t[1][0], t[0][0]) * 180 / Math.PI : 0, true);
}

function label() {
  const pct = v => `${Math.round(imageZoom(v) * 100)}%`;
  candid.el("zoomlabel").textContent = `zoom ${pct(viewers.left)} | ${pct(viewers.right)}`;
  candid.el("zoomlabel").dataset.left = imageZoom(viewers.left).toFixed(3);
  candid.el("zoomlabel").dataset.right = imageZoom(viewers.right).toFixed(3);
}

function oneToOne() {  // one result pixel per screen pixel; the source shows the same region
  const v = viewers.right, item = v.world.getItemAt(0);
  if (!item) return;
  const home = v.viewport.getHomeZoom();
  const atFit = v.viewport.getZoom() <= home * 1.05;
  const at = atFit && align.focus ? item.imageToViewportCoordinates(new OpenSeadragon.Point(...align.focus)) : v.viewport.getCenter();
  v.viewport.zoomTo(item.imageToViewportZoom(1.0), null, true);
  v.viewport.panTo(at, true);
  syncing = false;
  sync("right", "left");
  label();
}

function fit() {
  viewers.right.viewport.goHome(true);
  if (candid.el("lock").checked && align.left && align.right) sync("right", "left");
  else viewers.left.viewport.goHome(true);
  label();
}

async function heatmaps(summary) {
  const tools = candid.el("heat-tools");
  const layers = {};
  tools.innerHTML = "heatmaps: ";
  for (const t of summary.tells.filter(t => t.heatmap)) {
    const lab = document.createElement("label");
    lab.innerHTML = `<input type="checkbox" data-tell="${candid.esc(t.name)}"> ${candid.esc(t.name)}`;
    lab.querySelector("input").addEventListener("change", ev => {
      const on = ev.target.checked;
      if (on) {
        viewers.right.addTiledImage({
          tileSource: { type: "image", url: `/api/results/${R.job}/heat/${t.name}.png` }, x: 0, y: 0, width: 1, opacity: 0.8,
          success: e => { layers[t.name] = e.item; ev.target.dataset.loaded = "1"; },
        });
      } else if (layers[t.name]) {
        viewers.right.world.removeItem(layers[t.name]);
        delete layers[t.name];
        ev.target.dataset.loaded = "";
      }
    });
    tools.appendChild(lab);
  }
  const said = (summary.changes || []).map(c => `<li>${candid.esc(c)}</li>`).join("");
  candid.el("tells").innerHTML = (said ? `<h2>What the studio changed on its own</h2><ul class="changes">${said}</ul>` : "") +
    `<h2>What the inspector sees</h2><p class="hint">Overall ${summary.overall.toFixed(2)} on a scale from 0 (looks like a photo)
    to 1 (looks AI-made). Tick a heatmap above to see where a tell shows on the portrait.</p>${candid.tellTable(summary.tells)}`;
}

// The audit's verdicts in words (the JSON keeps "ok", "flattering", "changed").
const VERDICT_WORDS = { ok: "within how your own photos vary", flattering: "flattered", changed: "changed" };

function flattery(job, summary) {
  const box = candid.el("flattery");
  const h = summary.honest;
  if (!h || !h.subject) {
    box.innerHTML = `<h2>Flattery</h2><p class="hint">No subject was chosen for this portrait, so there is nothing to compare with. Pick an enrolled subject on the <a href="/make">Make</a> page.</p>`;
    return;
  }
  const changed = h.findings.filter(f => f.verdict !== "ok");
  const rows = h.findings.map(f => {
    const kept = h.keep && f.feature in h.keep ? h.keep[f.feature] : 0;
    const slider = f.verdict === "ok" ? "" : `<input type="range" min="0" max="100" value="${Math.round(kept * 100)}" data-feature="${candid.esc(f.feature)}"> <output>${Math.round(kept * 100)}% kept</output>`;
    const sentence = (f.text || "").replace(/\.$/, "").replace(/, within how your photos vary$/, "");
    return `<tr><td>${candid.esc(sentence)}</td><td>${candid.esc(VERDICT_WORDS[f.verdict] || f.verdict)}</td><td>${slider}</td></tr>`;
  }).join("");
  box.innerHTML = `<h2>Flattery against ${candid.esc(h.subject)}'s real photos</h2>
    <p class="hint">${changed.length ? "0% = undo the change (the default), 100% = keep it as the engine made it." : "No change found."}</p>
    <div class="scroll-x"><table class="flattery"><tr><th>against your photos</th><th>verdict</th><th>keep</th></tr>${rows}</table></div>
    ${changed.length ? '<p><button type="button" id="remake">Make again with these</button> <span id="remake-msg"></span></p>' : ""}`;
  box.querySelectorAll("input[type=range]").forEach(r => r.addEventListener("input", () => { r.nextElementSibling.textContent = `${r.value}% kept`; }));
  const btn = candid.el("remake");
  if (btn) btn.addEventListener("click", async () => {
    const keep = {};
    box.querySelectorAll("input[type=range]").forEach(r => { if (+r.value > 0) keep[r.dataset.feature] = +r.value / 100; });
    const params = Object.assign({}, job.params, { keep });
    delete params.filename;
    try { location.href = `/make?job=${(await candid.api("POST", "/api/jobs", params)).id}`; }
    catch (err) { candid.showError(candid.el("remake-msg"), err); }
  });
}

async function main() {
  if (!L || !R) { candid.el("tells").innerHTML = `<p class="error">no job given - open this page from <a href="/results">Results</a></p>`; return; }
  const res = await candid.api("GET", `/api/results/${R.job}`);
  candid.el("title").textContent = `${res.job.params.filename || ""} - ${res.summary.style}`;
  let leftTitle = "before (your photo)", leftSummary = null;
  if (L.which === "result") {
    const other = await candid.api("GET", `/api/results/${L.job}`);
    leftSummary = other.summary;
    const kept = other.summary.honest && Object.keys(other.summary.honest.keep || {}).length
      ? ", kept: " + Object.entries(other.summary.honest.keep).map(([k, v]) => `${k} ${Math.round(v * 100)}%`).join(", ") : "";
    leftTitle = `${other.summary.style} ${other.summary.width}x${other.summary.height}, job ${L.job.slice(0, 8)}${kept}`;
  }
  candid.el("left-title").textContent = leftTitle;
  const rkeep = res.summary.honest && Object.keys(res.summary.honest.keep || {}).length
    ? ", kept: " + Object.entries(res.summary.honest.keep).map(([k, v]) => `${k} ${Math.round(v * 100)}%`).join(", ") : "";
  candid.el("right-title").textContent = `${L.which === "source" ? "after" : "job " + R.job.slice(0, 8)} (${res.summary.style}, ${res.summary.width}x${res.summary.height}${rkeep})`;
  candid.el("download").href = `/api/results/${R.job}/image`;
  candid.el("report").href = `/api/results/${R.job}/report`;
  const frameOf = (s, summary) => (s.which === "source" ? ID3 : m3(summary.align));
  align.right = frameOf(R, res.summary);
  align.left = L.which === "result" ? frameOf(L, leftSummary) : ID3;
  if (L.which === "result" && L.job !== R.job && leftSummary.source_width !== res.summary.source_width) align.left = null;
  align.focus = res.summary.focus || null;
  viewers.left = makeViewer("left", L);
  viewers.right = makeViewer("right", R);
  for (const [a, b] of [["left", "right"], ["right", "left"]]) {
    viewers[a].addHandler("zoom", () => { sync(a, b); label(); });
    viewers[a].addHandler("pan", () => sync(a, b));
    viewers[a].addHandler("animation", label);
  }
  let opened = 0;
  for (const v of [viewers.left, viewers.right]) v.addOnceHandler("open", () => {
    if (++opened === 2) { orient(); fit(); document.body.dataset.ready = "1"; }
  });
  candid.el("one-to-one").addEventListener("click", oneToOne);
  candid.el("fit").addEventListener("click", fit);
  await heatmaps(res.summary);
  flattery(res.job, res.summary);
}
main().catch(err => candid.showError(candid.el("tells"), err));
