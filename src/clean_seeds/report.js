"use strict";
const D = JSON.parse(document.getElementById("report-data").textContent);
const PAGE_LINES = 400, PAGE_ROWS = 100, PAGE_DOCS = 100, PAGE_CLUSTERS = 30;
const $ = (id) => document.getElementById(id);
const ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ESC[c]);
const show = (s) => esc(s).replace(/\n/g, '<span class="ws">⏎</span>\n').replace(/\t/g, '<span class="ws">⇥</span>');
const E = D.edits, DOC = 0, KEY = 1, KIND = 2, OLINE = 3, CLINE = 4, BEFORE = 5, AFTER = 6, INFO = 7;
const docIndex = new Map(D.docs.map((d, i) => [d.id, i]));
const STORE = "clean-seeds-flags:" + D.meta.fingerprint;
let decisions = {};
try { decisions = JSON.parse(localStorage.getItem(STORE) || "{}"); } catch (err) { decisions = {}; }
let S = {};

function readState() {
  const p = new URLSearchParams(location.hash.slice(1));
  const get = (k, d) => p.get(k) || d;
  return {doc: get("doc", ""), view: get("view", "cleaned"), line: parseInt(get("line", "0"), 10) || 0,
    stage: get("stage", ""), rule: get("rule", ""), kind: get("kind", ""), e: get("e", ""),
    dp: parseInt(get("dp", "0"), 10) || 0, ep: parseInt(get("ep", "0"), 10) || 0,
    cp: parseInt(get("cp", "0"), 10) || 0, fp: parseInt(get("fp", "0"), 10) || 0, lp: get("lp", "")};
}
function go(changes, reset) {
  const next = Object.assign({}, S, changes);
  for (const k of reset || []) next[k] = "";
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(next)) if (v !== "" && v !== 0 && v !== null && v !== undefined) p.set(k, v);
  if (next.view === "cleaned") p.delete("view");
  location.hash = p.toString();
}
const keyOf = (i) => D.keys[E[i][KEY]];
const stageOf = (key) => key.slice(0, key.indexOf("."));
function matches(i) {
  const key = keyOf(i), kind = E[i][KIND];
  if (S.kind === "flags" && !kind) return false;
  if (S.kind === "edits" && kind) return false;
  if (S.stage && stageOf(key) !== S.stage) return false;
  if (S.rule && key !== S.rule && key.slice(key.indexOf(".") + 1) !== S.rule) return false;
  return true;
}
const filtering = () => Boolean(S.stage || S.rule || S.kind);
function docMatches(d) {
  let n = 0;
  for (let i = d.first; i < d.first + d.count; i++) if (matches(i)) n++;
  return n;
}
function pager(el, page, pages, key) {
  el.innerHTML = pages > 1 ? `<button type="button" data-page="${page - 1}" ${page <= 0 ? "disabled" : ""}>‹</button>
    page ${page + 1} of ${pages} <button type="button" data-page="${page + 1}" ${page >= pages - 1 ? "disabled" : ""}>›</button>` : "";
  el.onclick = (ev) => { const b = ev.target.closest("button[data-page]"); if (b) go({[key]: parseInt(b.dataset.page, 10)}); };
}

function renderMeta() {
  const m = D.meta;
  $("meta").textContent = `input ${m.input} → output ${m.output}` + (m.config ? ` · config ${m.config}` : "") +
    ` · clean-seeds ${m.version} · report ${m.generated}` + (m.dry_run ? " · dry run (no text)" : "");
  const labels = [["documents", "documents"], ["touched", "documents touched"], ["edits", "edits"],
    ["duplicates", "duplicates removed"], ["flags", "flags raised"], ["chars-removed", "characters removed"],
    ["chars-added", "characters added"]];
  $("stats").innerHTML = labels.map(([k, label]) =>
    `<div class="stat" id="stat-${k}" data-value="${D.stats[k]}"><b>${D.stats[k].toLocaleString("en")}</b><span>${label}</span></div>`).join("");
  const stages = [...new Set(D.keys.map(stageOf))];
  $("filter-stage").innerHTML = '<option value="">all stages</option>' + stages.map((s) => `<option value="${esc(s)}">${esc(s)}</option>`).join("");
  $("filter-rule").innerHTML = '<option value="">all rules</option>' + D.keys.map((k) => `<option value="${esc(k)}">${esc(k)}</option>`).join("");
  $("filter-stage").onchange = (ev) => go({stage: ev.target.value}, ["dp", "ep", "cp", "fp", "e", "line", "lp"]);
  $("filter-rule").onchange = (ev) => go({rule: ev.target.value}, ["dp", "ep", "cp", "fp", "e", "line", "lp"]);
  $("filter-kind").onchange = (ev) => go({kind: ev.target.value}, ["dp", "ep", "cp", "fp", "e", "line", "lp"]);
  $("filter-clear").onclick = () => go({}, ["stage", "rule", "kind", "dp", "ep", "cp", "fp", "e", "line", "lp"]);
  for (const bar of document.querySelectorAll("#chart .bar")) bar.onclick = () => go({rule: bar.dataset.key, stage: ""}, ["dp", "ep", "e", "line", "lp"]);
  $("flags-export").onclick = exportDecisions;
  document.addEventListener("click", (ev) => {
    const mark = ev.target.closest("[data-e]");
    if (mark && !ev.target.closest("button, a")) popup(parseInt(mark.dataset.e, 10));
    else if (!ev.target.closest("#popup")) $("popup").hidden = true;
  });
}

function renderFilters() {
  $("filter-stage").value = S.stage; $("filter-rule").value = D.keys.includes(S.rule) ? S.rule : "";
  $("filter-kind").value = S.kind;
  for (const bar of document.querySelectorAll("#chart .bar")) {
    const key = bar.dataset.key;
    const on = (!S.rule || key === S.rule || key.endsWith("." + S.rule)) && (!S.stage || stageOf(key) === S.stage);
    bar.classList.toggle("dim", !on);
  }
  let n = 0;
  if (filtering()) for (let i = 0; i < E.length; i++) if (matches(i)) n++;
  $("filter-note").textContent = filtering() ? `${n.toLocaleString("en")} of ${E.length.toLocaleString("en")} edits and flags match` : "";
}

function currentDoc() {
  if (docIndex.has(S.doc)) return D.docs[docIndex.get(S.doc)];
  return D.docs.find((d) => docMatches(d) > 0) || D.docs[0];
}

function renderDocList() {
  const rows = [];
  for (const d of D.docs) {
    const n = filtering() ? docMatches(d) : d.count;
    if (!filtering() || n > 0) rows.push([d, n]);
  }
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_DOCS)), page = Math.min(S.dp, pages - 1);
  const cur = currentDoc();
  $("doc-list").innerHTML = "<tr><th>document</th><th>" + (filtering() ? "matching" : "edits") + "</th></tr>" +
    rows.slice(page * PAGE_DOCS, (page + 1) * PAGE_DOCS).map(([d, n]) =>
      `<tr class="doc-row${d === cur ? " current" : ""}" data-doc="${esc(d.id)}"><td>${esc(d.id)}</td><td class="n">${n}</td></tr>`).join("") +
    (rows.length ? "" : '<tr><td colspan="2" class="empty">no document matches the filters</td></tr>');
  $("doc-list").onclick = (ev) => { const r = ev.target.closest(".doc-row"); if (r) go({doc: r.dataset.doc}, ["line", "e", "ep", "lp"]); };
  pager($("doc-pager"), page, pages, "dp");
}

function markClass(tags) {
  const last = tags[tags.length - 1];
  if (E[last][KIND]) return "ed flag";
  return stageOf(keyOf(last)) === "dedup" ? "ed dup" : "ed";
}
function docLines(d, view) {
  const pieces = d[view];
  const lines = [[]];
  for (const piece of pieces) {
    const text = typeof piece === "string" ? piece : piece[0];
    const tags = typeof piece === "string" ? [] : piece[1].filter(matches);
    if (typeof piece !== "string" && !tags.length && !text) continue;
    if (!text) { lines[lines.length - 1].push([null, tags]); continue; }
    const parts = text.split("\n");
    parts.forEach((part, k) => {
      // a changed line break is drawn as ⏎ so that joined or removed lines stay visible
      if (k && tags.length) lines[lines.length - 1].push(["⏎", tags]);
      if (k) lines.push([]);
      if (part) lines[lines.length - 1].push([part, tags]);
    });
  }
  return lines;
}
function renderLine(parts, number, target) {
  const html = parts.map(([text, tags]) => {
    if (!tags.length) return esc(text);
    const last = tags[tags.length - 1];
    const attrs = `data-e="${last}" data-es="${tags.join(" ")}" data-rule="${esc(keyOf(last))}"`;
    if (text === null) return `<span class="${markClass(tags)} mark" ${attrs} title="${esc(keyOf(last))}">${S.view === "original" ? "+" : "⌫"}</span>`;
    return `<span class="${markClass(tags)}" ${attrs}>${esc(text)}</span>`;
  }).join("");
  return `<div class="ln${number === target ? " target" : ""}" id="L${number}" data-line="${number}">${html}</div>`;
}

function renderDoc() {
  const d = currentDoc(), view = S.view === "original" ? "original" : "cleaned";
  const box = $("doc-view");
  if (!d) { box.innerHTML = '<p class="empty">no documents</p>'; return; }
  const n = filtering() ? docMatches(d) : d.count;
  let head = `<div class="dochead"><h3 id="doc-title" data-doc="${esc(d.id)}">${esc(d.id)}</h3><span>${n} ${filtering() ? "matching" : "edits and flags"}</span>
    <span class="toggle"><button type="button" id="view-cleaned" class="${view === "cleaned" ? "on" : ""}">cleaned</button><button type="button" id="view-original" class="${view === "original" ? "on" : ""}">original</button></span></div>`;
  let body;
  if (!d[view]) {
    body = `<p class="empty" id="doc-text">${d.count ? "text not embedded (dry run, or report size limit); edits listed below" : "no edits in this document"}</p>`;
  } else {
    const lines = docLines(d, view);
    const pages = Math.max(1, Math.ceil(lines.length / PAGE_LINES));
    let page = S.lp === "" ? 0 : Math.min(parseInt(S.lp, 10) || 0, pages - 1);
    if (S.line && S.lp === "") page = Math.min(Math.floor((S.line - 1) / PAGE_LINES), pages - 1);
    const from = page * PAGE_LINES;
    body = `<div id="text-pager" class="pager"></div><div id="doc-text" class="v-${view}" data-view="${view}">` +
      lines.slice(from, from + PAGE_LINES).map((parts, k) => renderLine(parts, from + k + 1, S.line)).join("") + "</div>";
    box.innerHTML = head + body + editList(d);
    pager($("text-pager"), page, pages, "lp");
    const target = S.line && document.getElementById("L" + S.line);
    if (target) {
      const text = $("doc-text");
      text.scrollTop = target.offsetTop - text.clientHeight / 3;
      $("documents").scrollIntoView();
    }
    if (S.e !== "") for (const el of document.querySelectorAll(`#doc-text [data-e="${parseInt(S.e, 10)}"]`)) el.classList.add("sel");
    wireDoc(d);
    return;
  }
  box.innerHTML = head + body + editList(d);
  wireDoc(d);
}
function wireDoc(d) {
  $("view-cleaned").onclick = () => go({view: "cleaned"}, ["line", "lp"]);
  $("view-original").onclick = () => go({view: "original"}, ["line", "lp"]);
  const pg = $("edit-pager");
  if (pg) pager(pg, parseInt(pg.dataset.page, 10), parseInt(pg.dataset.pages, 10), "ep");
  $("edit-list").onclick = (ev) => {
    const r = ev.target.closest(".edit-row"); if (!r) return;
    const i = parseInt(r.dataset.e, 10);
    go({line: S.view === "original" ? E[i][OLINE] : E[i][CLINE] || E[i][OLINE], e: i}, ["lp"]);
  };
}
function editList(d) {
  const idx = [];
  for (let i = d.first; i < d.first + d.count; i++) if (matches(i)) idx.push(i);
  const pages = Math.max(1, Math.ceil(idx.length / PAGE_ROWS)), page = Math.min(S.ep, pages - 1);
  const rows = idx.slice(page * PAGE_ROWS, (page + 1) * PAGE_ROWS).map((i) => {
    const e = E[i], key = keyOf(i);
    const change = e[KIND] ? `<span class="ws">flag:</span> ${esc(e[INFO] && e[INFO].reason || "")} <ins>${show(e[BEFORE])}</ins>` :
      `<del>${show(clip(e[BEFORE]))}</del> <ins>${show(clip(e[AFTER]))}</ins>`;
    return `<tr class="edit-row" data-e="${i}" data-rule="${esc(key)}" data-kind="${e[KIND] ? "flag" : "edit"}"><td class="n">${e[OLINE]}</td><td class="n">${e[CLINE] || ""}</td><td>${esc(key)}</td><td>${change}</td></tr>`;
  });
  return `<h3 style="margin-top:12px">Edits in this document</h3><table id="edit-list"><tr><th>input line</th><th>output line</th><th>stage.rule</th><th>change</th></tr>${rows.join("")}</table>` +
    `<div id="edit-pager" class="pager" data-page="${page}" data-pages="${pages}"></div>`;
}
const clip = (s) => s.length > 300 ? s.slice(0, 200) + " … " + s.slice(-80) : s;

function popup(i) {
  const e = E[i], d = D.docs[e[DOC]], key = keyOf(i), info = e[INFO] || {};
  const box = $("popup");
  let html = `<b>${esc(key)}</b> <span class="where">${e[KIND] ? "flag" : "edit"} in ${esc(d.id)}, input line ${e[OLINE]}${e[CLINE] ? ", output line " + e[CLINE] : ""}</span>`;
  if (e[KIND]) html += `<div>reason: ${esc(info.reason || "")}</div><pre>${show(e[BEFORE])}</pre>`;
  else html += `<div>before</div><pre><del>${show(e[BEFORE]) || '<span class="empty">(nothing)</span>'}</del></pre><div>after</div><pre><ins>${show(e[AFTER]) || '<span class="empty">(removed)</span>'}</ins></pre>`;
  const extra = Object.entries(info).filter(([k]) => k !== "reason" && k !== "context");
  if (extra.length) html += "<div>" + extra.map(([k, v]) => `${esc(k)}: ${esc(typeof v === "object" ? JSON.stringify(v) : v)}`).join("<br>") + "</div>";
  box.innerHTML = html;
  box.hidden = false;
}

function renderDups() {
  const list = [];
  for (const c of D.clusters) {
    const copies = c.copies.filter(([i]) => matches(i));
    if (copies.length) list.push([c, copies]);
  }
  const pages = Math.max(1, Math.ceil(list.length / PAGE_CLUSTERS)), page = Math.min(S.cp, pages - 1);
  const link = (doc, line, view) => `<a href="#${esc(new URLSearchParams({doc: doc, line: line, view: view}).toString())}">${esc(doc)} line ${line}</a>`;
  $("dup-list").innerHTML = list.slice(page * PAGE_CLUSTERS, (page + 1) * PAGE_CLUSTERS).map(([c, copies]) =>
    `<div class="cluster" data-cluster="${esc(c.id)}" data-similarity="${c.min}"><div class="where">kept in ${link(c.doc, c.line, "cleaned")} (output)</div>` +
    `<div class="kept" data-doc="${esc(c.doc)}" data-line="${c.line}">${c.text === null ? '<span class="empty">(kept paragraph not available)</span>' : esc(c.text)}</div>` +
    copies.map(([i, sim]) => `<div class="where">removed from ${link(D.docs[E[i][DOC]].id, E[i][OLINE], "original")} (input) · ${esc(keyOf(i))} · similarity ${sim.toFixed(3)}</div>` +
      `<div class="copy" data-e="${i}" data-doc="${esc(D.docs[E[i][DOC]].id)}" data-line="${E[i][OLINE]}" data-similarity="${sim}" data-rule="${esc(keyOf(i))}">${esc(E[i][BEFORE].replace(/\n+$/, ""))}</div>`).join("") +
    "</div>").join("") || '<p class="empty">no duplicates match the filters</p>';
  pager($("dup-pager"), page, pages, "cp");
}

function renderFlags() {
  const idx = [];
  for (let i = 0; i < E.length; i++) if (E[i][KIND] && matches(i)) idx.push(i);
  const pages = Math.max(1, Math.ceil(idx.length / PAGE_ROWS)), page = Math.min(S.fp, pages - 1);
  let all = 0, done = {accept: 0, ignore: 0};
  for (let i = 0; i < E.length; i++) if (E[i][KIND]) { all++; const s = decisions[i]; if (s) done[s]++; }
  $("flag-counts").textContent = `${all} flags: ${done.accept} accepted, ${done.ignore} ignored, ${all - done.accept - done.ignore} to review`;
  $("flag-list").innerHTML = "<tr><th>document</th><th>line</th><th>stage.rule</th><th>reason</th><th>text</th><th>decision</th></tr>" +
    idx.slice(page * PAGE_ROWS, (page + 1) * PAGE_ROWS).map((i) => {
      const e = E[i], info = e[INFO] || {}, ctx = info.context || ["", ""], state = decisions[i] || "";
      const doc = D.docs[e[DOC]].id;
      return `<tr class="flag-row" data-e="${i}" data-rule="${esc(keyOf(i))}" data-state="${state}"><td><a href="#${esc(new URLSearchParams({doc: doc, line: e[OLINE], view: "original", e: i}).toString())}">${esc(doc)}</a></td><td class="n">${e[OLINE]}</td>` +
        `<td>${esc(keyOf(i))}</td><td>${esc(info.reason || "")}</td><td>…${show(ctx[0])}<mark>${show(e[BEFORE])}</mark>${show(ctx[1])}…</td>` +
        `<td><button type="button" data-decide="accept" class="${state === "accept" ? "on" : ""}">accept</button> <button type="button" data-decide="ignore" class="${state === "ignore" ? "on" : ""}">ignore</button></td></tr>`;
    }).join("") + (idx.length ? "" : '<tr><td colspan="6" class="empty">no flags match the filters</td></tr>');
  $("flag-list").onclick = (ev) => {
    const b = ev.target.closest("button[data-decide]"); if (!b) return;
    const i = b.closest(".flag-row").dataset.e;
    decisions[i] = decisions[i] === b.dataset.decide ? undefined : b.dataset.decide;
    if (!decisions[i]) delete decisions[i];
    try { localStorage.setItem(STORE, JSON.stringify(decisions)); } catch (err) { /* private mode: decisions last for this page */ }
    renderFlags();
  };
  pager($("flag-pager"), page, pages, "fp");
}
function exportDecisions() {
  const out = [];
  for (let i = 0; i < E.length; i++) if (E[i][KIND]) {
    const e = E[i];
    out.push({doc: D.docs[e[DOC]].id, line: e[OLINE], rule: keyOf(i), text: e[BEFORE], reason: (e[INFO] || {}).reason || "", decision: decisions[i] || "pending"});
  }
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([JSON.stringify(out, null, 1)], {type: "application/json"}));
  a.download = "flag-decisions.json";
  document.body.appendChild(a); a.click(); a.remove();
}

function render() {
  S = readState();
  renderFilters(); renderDocList(); renderDoc(); renderDups(); renderFlags();
  document.body.dataset.ready = "1";
}
renderMeta();
window.addEventListener("hashchange", render);
render();
