// The hall managers' live board: state from /api/stream (SSE), actions to /api/action.
"use strict";
const EMPTY = () => ({ windows: {}, services: {}, devices: {}, hall: {}, calls: [], alerts: [], info: {}, advice: null, staffing: null, printer_states: {}, cases: [] });
const S = EMPTY();
let skew = 0; // server clock minus ours, seconds
let me = { user: null, csrf: null };
let streamUp = false;
let mqttUp = false;
let renderQueued = false;
const $ = (id) => document.getElementById(id);

function esc(v) {
  return String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
const now = () => Date.now() / 1000 + skew;
function mins(seconds) {
  return seconds == null ? "–" : `${Math.round(seconds / 60)} ${t("min")}`;
}
function hhmm(at) {
  if (!at) return "";
  const d = new Date(at * 1000);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}
function name(obj, fallback) {
  return (LANG && obj && obj.name_en) || (obj && obj.name) || fallback;
}
function serviceName(code) {
  const n = (S.info.services || {})[code];
  return n ? n[LANG] : name(S.services[code], code);
}

// ------------------------------------------------------------------ stream
let es = null;
function connect() { // again after login and logout: the server sends the view the session allows
  if (es) es.close();
  es = new EventSource("/api/stream");
  es.onopen = () => { streamUp = true; showLink(); };
  es.onerror = () => { streamUp = false; showLink(); }; // EventSource retries by itself
  es.onmessage = (e) => handle(JSON.parse(e.data));
}
function handle(msg) {
  if (msg.type === "snapshot") {
    for (const k of ["windows", "services", "devices", "hall", "calls", "alerts", "info", "advice", "staffing", "printer_states"]) S[k] = msg[k] ?? EMPTY()[k]; // the public view has no devices
    S.cases = msg.cases || [];
    S.joint = msg.joint || [];
    skew = msg.now - Date.now() / 1000;
    mqttUp = msg.mqtt;
  } else if (msg.type === "change") {
    applyChange(msg);
  } else if (msg.type === "alerts") {
    S.alerts = msg.alerts;
    S.staffing = msg.staffing; // the advice as sentences, with commands for the current windows
    skew = msg.now - Date.now() / 1000;
  } else if (msg.type === "link") {
    mqttUp = msg.mqtt;
  } else if (msg.type === "tick") { // the public view's keep-alive
    skew = msg.now - Date.now() / 1000;
  }
  showLink();
  queueRender();
}
function applyChange(msg) {
  const kind = msg.kind;
  if (kind === "hall") { S.hall = msg.data; chartsSoon(); }
  else if (kind === "advice") S.advice = msg.data; // its view follows in the next alerts message
  else if (kind === "cases") S.cases = msg.data || [];
  else if (kind === "joint") S.joint = msg.data || [];
  else if (kind === "call") S.calls = [msg.data, ...S.calls].slice(0, 12);
  else if (msg.data === null) delete S[kind][msg.key];
  else S[kind][msg.key] = msg.data;
}
function showLink() {
  const el = $("link-status");
  const ok = streamUp && mqttUp;
  el.textContent = !streamUp ? t("lost") : mqttUp ? t("live") : t("mqtt_down");
  el.className = "link " + (ok ? "ok" : "bad");
  el.dataset.state = ok ? "live" : !streamUp ? "lost" : "mqtt_down";
}
function queueRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => { renderQueued = false; render(); });
}

// ------------------------------------------------------------------ rendering
function render() {
  $("hall-name").textContent = (S.info.hall && (LANG ? S.info.hall_en : S.info.hall)) || t("windows");
  renderSummary();
  renderAlerts();
  renderServices();
  renderAdvice();
  renderCases();
  if (typeof renderJoint === "function") renderJoint(); // joint.js
  if (typeof renderAgency === "function") renderAgency(); // agency.js
  renderWindows();
  renderDevices();
  renderCalls();
  const r = S.hall.priority_ratio;
  if (r != null && document.activeElement !== $("ratio-input")) $("ratio-input").value = r;
}
function renderSummary() {
  const h = S.hall;
  const ratings = h.ratings || {};
  const rated = Object.values(ratings).reduce((a, b) => a + b, 0);
  const good = (ratings["3"] || 0) + (ratings["4"] || 0) + (ratings["5"] || 0);
  const tiles = [
    ["s_waiting", h.waiting], ["s_serving", h.serving], ["s_done", h.done],
    ["s_no_show", h.no_show], ["s_windows", h.windows_open],
    ["s_good", rated ? `${Math.round((100 * good) / rated)}%` : "–"],
  ];
  $("summary").innerHTML = tiles.map(([k, v]) =>
    `<div class="tile" data-tile="${k}"><div class="value">${esc(v ?? "–")}</div><div class="label">${t(k)}</div></div>`).join("");
}
function renderAlerts() {
  const list = S.alerts || [];
  if (!list.length) { $("alerts").innerHTML = `<div class="alert none">${t("no_alerts")}</div>`; return; }
  $("alerts").innerHTML = list.map((a, i) => {
    const act = a.action && me.user ? ` <button type="button" class="apply" data-alert="${i}">${t("apply")}</button>` : "";
    return `<div class="alert ${esc(a.level)}" data-kind="${esc(a.kind)}" data-key="${esc(a.key)}">${esc(LANG ? a.en : a.zh)}${act}</div>`;
  }).join("");
}
function longest(s) {
  return s.waiting && s.oldest_waiting_at ? Math.max(0, now() - s.oldest_waiting_at) : null;
}
function renderServices() {
  const all = $("all-services").checked;
  const rows = Object.values(S.services)
    .filter((s) => all || s.waiting || s.issued_today)
    .sort((a, b) => (b.waiting || 0) - (a.waiting || 0) || String(a.service).localeCompare(b.service));
  $("services").tBodies[0].innerHTML = rows.map((s) => {
    const wait = longest(s);
    const over = wait != null && s.target_wait_s && wait > s.target_wait_s;
    const estOver = s.est_wait_s != null && s.target_wait_s && s.est_wait_s > s.target_wait_s;
    return `<tr class="service${over ? " over" : ""}" data-service="${esc(s.service)}">
      <td>${esc(serviceName(s.service))}</td><td class="num">${esc(s.waiting)}</td>
      <td class="num ${over ? "bad" : ""}">${mins(wait)} / ${mins(s.target_wait_s)}</td>
      <td class="num ${estOver ? "warn" : ""}">${mins(s.est_wait_s)}</td>
      <td class="num">${esc(s.windows_open)}</td></tr>`;
  }).join("");
}
function num(v) {
  return v == null ? "–" : String(Math.round(v * 10) / 10);
}
function renderAdvice() {
  const v = S.staffing;
  const pools = v ? v.pools : [];
  const moves = v ? v.moves : [];
  $("advice-at").textContent = v ? `${t("advice_at")} ${hhmm(v.at)}` : "";
  $("advice-pools").classList.toggle("hidden", !pools.length);
  $("advice-pools").tBodies[0].innerHTML = pools.map((p) => {
    const wait = p.predicted_wait_min == null ? t("overloaded") : `${num(p.predicted_wait_min)} ${t("min")}`;
    return `<tr class="pool${p.short ? " short" : ""}" data-department="${esc(p.department)}">
      <td>${esc(LANG ? p.name_en : p.name)}<div class="small">${esc(LANG ? p.services_en : p.services_zh)}</div></td>
      <td class="num">${num(p.arrivals_per_h)}</td>
      <td class="num ${p.short ? "bad" : ""}">${num(p.windows_serving)} / ${p.windows_needed ?? "–"}</td>
      <td class="num ${p.short ? "bad" : ""}">${wait} / ${num(p.target_wait_min)} ${t("min")}</td></tr>`;
  }).join("");
  $("advice-moves").innerHTML = moves.map((m) => {
    const button = m.done ? `<span class="badge">${t("move_done")}</span>`
      : m.command && me.user ? `<button type="button" class="apply">${t("do_it")}</button>` : "";
    return `<li class="move ${esc(m.action)}" data-action="${esc(m.action)}" data-window="${esc(m.window)}">
      <div><div class="sentence">${esc(LANG ? m.en : m.zh)}</div><div class="small">${esc(LANG ? m.why_en : m.why_zh)}</div></div>${button}</li>`;
  }).join("");
  const short = pools.some((p) => p.short);
  const more = v && v.more_moves ? `${t("more_moves")} ${v.more_moves}` : "";
  $("advice-note").textContent = !v ? t("advice_wait") : moves.length ? more : short ? t("no_moves") : t("no_advice");
}
function renderCases() { // cases (一件事) in progress: matter, step, where, time in the hall
  const rows = S.cases || [];
  const now = Date.now() / 1000 + skew;
  const svc = (c) => (S.info.services && S.info.services[c] ? S.info.services[c][LANG] : c);
  const win = (w) => (S.info.windows && S.info.windows[w] ? S.info.windows[w][LANG] : w);
  $("cases-count").textContent = rows.length ? `${rows.length}` : "";
  $("cases").tBodies[0].innerHTML = rows.map((k) => {
    const where = k.review ? `${t("joint_review")} · ${LANG ? k.room_name_en : k.room_name}`
      : k.window ? `${win(k.window)} · ${t("st_" + k.state)}` : t("st_" + k.state);
    const mins = Math.max(0, Math.round((now - k.issued_at) / 60));
    const carried = k.agent ? ` <span class="tag carried">${esc(t("agency"))} · ${esc(k.agent)}</span>` : "";
    return `<tr class="case ${esc(k.state)}" data-ticket="${esc(k.ticket)}"><td class="num">${esc(k.ticket)}</td>
      <td>${esc(LANG ? k.matter_name_en : k.matter_name)}${carried}</td>
      <td class="num">${k.step}/${k.steps}</td><td>${esc(svc(k.service))}</td>
      <td>${esc(where)}</td><td class="num">${mins} ${t("min")}</td></tr>`;
  }).join("");
  $("cases-empty").classList.toggle("hidden", rows.length > 0);
}
function windowButtons(w) {
  if (!me.user) return "";
  const b = (op, key) => `<button type="button" data-op="${op}" data-window="${esc(w.window)}">${t(key)}</button>`;
  const ops = w.status === "closed" ? [b("open", "do_open")]
    : w.status === "paused" ? [b("resume", "do_resume"), b("close", "do_close")]
    : [b("pause", "do_pause"), b("close", "do_close")];
  ops.push(`<button type="button" data-edit="${esc(w.window)}">${t("do_services")}</button>`);
  return `<div class="actions">${ops.join("")}</div>`;
}
function renderWindows() {
  const list = Object.values(S.windows).sort((a, b) => String(a.window).localeCompare(b.window, undefined, { numeric: true }));
  $("windows").innerHTML = list.map((w) => {
    const serving = w.ticket
      ? `<div class="ticket">${esc(w.ticket)} <span class="small">${esc(serviceName(w.service))} · ${mins(now() - (w.called_at || now()))}</span></div>`
      : `<div class="ticket idle">${w.status === "open" ? t("idle") : "&nbsp;"}</div>`;
    const tiers = Object.entries(w.services || {}).map(([c, tier]) =>
      `<span class="tier ${esc(tier)}">${esc(serviceName(c))}</span>`).join("");
    return `<div class="window ${esc(w.status)}" data-window="${esc(w.window)}" data-status="${esc(w.status)}">
      <div class="head"><b>${esc(name(w, w.window))}</b><span class="badge">${t(w.status)}</span></div>
      ${me.user ? `<div class="small">${t("staff")}: ${esc(w.staff || "–")}</div>` : ""}${serving}
      ${me.user ? `<div class="small">${t("served")}: ${esc(w.served_today ?? 0)} · ${t("rating")}: ${esc(w.rating_avg ?? "–")}</div>` : ""}
      <div class="tiers">${tiers}</div>${windowButtons(w)}</div>`;
  }).join("");
}
function renderDevices() {
  const list = Object.entries(S.devices).sort(([a], [b]) => a.localeCompare(b));
  $("devices").tBodies[0].innerHTML = list.map(([id, d]) => {
    // what each printer value means comes from the board (printer_states, built from the
    // contract's PrinterPresence): no list of printer values here to drift from the kiosk's
    const ps = (S.printer_states || {})[d.printer];
    const printer = d.printer ? `${t("printer")}: ${ps ? ps[LANG ? "en" : "zh"] : d.printer}` : "";
    const health = d.printer ? (ps ? ps.health : "unknown") : "";
    return `<tr class="device ${d.online ? "on" : "off"}" data-device="${esc(id)}">
      <td><span class="dot"></span>${esc(id)}</td><td>${esc(t(d.role || ""))}</td>
      <td>${d.online ? t("online") : t("offline")} ${t("since")} ${hhmm(d.changed_at)}</td>
      <td class="printer ${health && health !== "ok" ? "bad" : ""}" data-health="${esc(health)}">${esc(printer)}</td></tr>`;
  }).join("");
}

function renderCalls() { // why a ticket was called: managers only (the public view has no "why")
  const rows = (S.calls || []).slice(0, 8).map((c) => {
    const where = LANG ? (c.window_name_en || c.window_name || c.window) : (c.window_name || c.window);
    const why = c.why ? c.why[LANG] : "";
    return `<tr class="call" data-ticket="${esc(c.ticket)}"><td>${hhmm(c.at)}</td><td><b>${esc(c.ticket)}</b></td>
      <td>${esc(where)}</td><td>${esc(serviceName(c.service))}${c.recall ? ` · ${t("recall")}` : ""}</td>
      <td class="why">${esc(why)}</td></tr>`;
  });
  $("calls").tBodies[0].innerHTML = rows.join("") || `<tr><td class="small">${t("no_calls")}</td></tr>`;
}

// ------------------------------------------------------------------ 差评整改
let FU = { items: [], departments: [] };
let editingFu = null;
async function loadFollowups() {
  if (!me.user) return;
  const r = await fetch("/api/followups");
  if (!r.ok) return;
  FU = await r.json();
  renderFollowups();
}
function deptName(id) {
  const d = FU.departments.find((x) => x[0] === id);
  return d ? d[1 + LANG] : id;
}
function renderFollowups() {
  const todo = FU.items.filter((i) => i.status !== "closed").length;
  $("followups-count").textContent = FU.items.length ? `${todo} ${t("f_todo")}` : "";
  $("followups").tBodies[0].innerHTML = FU.items.map((i) => `<tr class="followup ${i.overdue ? "overdue" : ""}" data-key="${esc(i.key)}" data-status="${esc(i.status)}">
      <td>${esc(i.day.slice(5))}</td><td>${esc(i.ticket)}</td><td>${esc(i.score)} ${t("score_" + i.score)}</td>
      <td>${esc(i.window_name || i.window)} / ${esc(i.staff || "–")}</td><td>${esc(deptName(i.department))}</td>
      <td class="status-${esc(i.status)}">${t("f_" + i.status)}${i.overdue ? ` · ${t("f_overdue")}` : ""}</td>
      <td>${esc(i.due.slice(5))}</td>
      <td>${i.status === "closed" ? "" : `<button type="button" data-key="${esc(i.key)}">${t("f_manage")}</button>`}</td></tr>`).join("");
  $("followups-note").textContent = FU.items.length ? (FU.problem || "") : t("f_none");
}
function openFollowup(key) {
  const i = FU.items.find((x) => x.key === key);
  if (!i) return;
  editingFu = i;
  $("followup-title").textContent = `${t("followups")} · ${i.ticket} (${i.day}) · ${i.score} ${t("score_" + i.score)}`;
  $("followup-history").innerHTML = i.actions.map((a) =>
    `<li>${esc(a.day)} ${esc(a.by)}: ${esc(t("f_" + a.action))}${a.department ? " " + esc(deptName(a.department)) : ""}${a.note ? " — " + esc(a.note) : ""}</li>`).join("");
  $("followup-dept").innerHTML = FU.departments.map((d) =>
    `<option value="${esc(d[0])}"${d[0] === i.department ? " selected" : ""}>${esc(d[1 + LANG])}</option>`).join("");
  $("followup-note").value = "";
  $("followup-error").textContent = "";
  $("followup-close").disabled = i.status !== "handled";
  $("followup-dialog").showModal();
}
async function followupAct(action) {
  const body = { key: editingFu.key, action, department: $("followup-dept").value, note: $("followup-note").value };
  const r = await fetch("/api/followups", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": me.csrf || "" },
    body: JSON.stringify(body),
  });
  const reply = await r.json();
  if (!reply.ok) { $("followup-error").textContent = reply.message || reply.error; return; }
  $("followup-dialog").close();
  toast(t("done_ok"), true);
  await loadFollowups();
}
function reportHref(base) {
  const kind = $("report-kind").value, when = $("report-when").value.trim();
  const q = when ? `${kind}=${encodeURIComponent(when)}` : "";
  return `${base}?${q}${q ? "&" : ""}format=${$("report-format").value}`;
}

// ------------------------------------------------------------------ charts
function bars(svg, rows, series) {
  const w = 520, h = 180, left = 28, bottom = 20;
  const top = Math.max(1, ...rows.flatMap((r) => series.map(([key]) => r[key] || 0)));
  const slot = (w - left) / Math.max(rows.length, 1);
  const bw = (slot * 0.8) / series.length;
  let out = `<line x1="${left}" y1="${h - bottom}" x2="${w}" y2="${h - bottom}" stroke="#999"/>`;
  out += `<text x="0" y="12" class="axis">${top}</text>`;
  rows.forEach((r, i) => {
    series.forEach(([key, colour], j) => {
      const bh = ((h - bottom - 16) * (r[key] || 0)) / top;
      out += `<rect x="${left + i * slot + j * bw}" y="${h - bottom - bh}" width="${bw - 1}" height="${bh}" fill="${colour}"><title>${r.hour}:00 ${r[key] ?? 0}</title></rect>`;
    });
    if (rows.length <= 12 || i % 3 === 0) {
      out += `<text x="${left + i * slot}" y="${h - 4}" class="axis">${String(r.hour).padStart(2, "0")}</text>`;
    }
  });
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  svg.innerHTML = out;
}
let chartsTimer = null;
function chartsSoon() { // at most one reload per 5 s while tickets flow
  if (!chartsTimer) chartsTimer = setTimeout(() => { chartsTimer = null; loadCharts(); }, 5000);
}
async function loadCharts() {
  try {
    const r = await fetch("/api/hourly");
    const data = await r.json();
    bars($("arrivals-chart"), data.hours, [["arrivals", "#2f6fb3"]]);
    bars($("waits-chart"), data.hours, [["wait_p50_min", "#3c9a5f"], ["wait_p90_min", "#d9822b"]]);
    $("charts-note").textContent = data.hours.some((h) => h.arrivals) ? "" : t("no_history");
  } catch (e) {
    $("charts-note").textContent = t("no_history");
  }
}

// ------------------------------------------------------------------ manager
async function loadMe() {
  me = await (await fetch("/api/me")).json();
  showUser();
}
function showUser() {
  const logged = !!me.user;
  $("login-button").classList.toggle("hidden", logged);
  $("logout-button").classList.toggle("hidden", !logged);
  $("report-box").classList.toggle("hidden", !logged);
  for (const el of document.querySelectorAll(".manager")) el.classList.toggle("hidden", !logged);
  $("user-name").classList.toggle("hidden", !logged);
  $("user-name").textContent = me.user || "";
  if (logged) loadFollowups();
  if (logged && typeof loadDoorsteps === "function") loadDoorsteps(); // agency.js
  queueRender();
}
function toast(text, ok) {
  const el = $("toast");
  el.textContent = text;
  el.className = ok ? "ok" : "bad";
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.add("hidden"), 4000);
}
async function act(body) {
  const r = await fetch("/api/action", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": me.csrf || "" },
    body: JSON.stringify(body),
  });
  const reply = await r.json();
  if (r.status === 401) { me = { user: null, csrf: null }; showUser(); connect(); }
  toast(reply.ok ? t("done_ok") : `${t("failed")}: ${reply.message || reply.error}`, reply.ok);
  return reply.ok;
}
async function login(ev) {
  ev.preventDefault();
  const r = await fetch("/api/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: $("login-name").value, password: $("login-password").value }),
  });
  const reply = await r.json();
  if (!r.ok) { $("login-error").textContent = reply.message; return; }
  me = reply;
  $("login-password").value = "";
  $("login-error").textContent = "";
  $("login-dialog").close();
  showUser();
  connect();
}
let editing = null;
function editServices(wid) {
  const w = S.windows[wid];
  editing = { window: wid, services: { ...(w.services || {}) } };
  $("services-title").textContent = `${name(w, wid)} · ${t("do_services")}`;
  drawServiceRows();
  const codes = Object.keys(S.info.services || S.services).sort();
  $("services-add").innerHTML = `<option value=""></option>` +
    codes.map((c) => `<option value="${esc(c)}">${esc(serviceName(c))} (${esc(c)})</option>`).join("");
  $("services-dialog").showModal();
}
function drawServiceRows() {
  const opts = (cur) => ["primary", "secondary", "none"].map((k) =>
    `<option value="${k}"${cur === k ? " selected" : ""}>${t(k)}</option>`).join("");
  $("services-list").innerHTML = Object.entries(editing.services).map(([c, tier]) =>
    `<label class="row">${esc(serviceName(c))} <select data-code="${esc(c)}">${opts(tier)}</select></label>`).join("");
}
async function saveServices(ev) {
  ev.preventDefault();
  const services = {};
  for (const sel of $("services-list").querySelectorAll("select")) {
    if (sel.value !== "none") services[sel.dataset.code] = sel.value;
  }
  if (await act({ op: "set_services", window: editing.window, services })) $("services-dialog").close();
}

// ------------------------------------------------------------------ wiring
function wire() {
  $("lang-button").onclick = () => {
    LANG = 1 - LANG;
    localStorage.setItem("hallq-lang", LANG ? "en" : "zh");
    applyTexts(); showLink(); queueRender(); loadCharts(); renderFollowups();
  };
  $("all-services").onchange = queueRender;
  const examples = { day: "2026-12-01", month: "2026-12", quarter: "2026-Q4", year: "2026" };
  const updateReport = () => {
    $("report-when").placeholder = examples[$("report-kind").value];
    $("report-link").href = reportHref("/report");
    $("ratings-link").href = reportHref("/ratings").replace(/format=html/, "format=csv");
  };
  for (const id of ["report-kind", "report-when", "report-format"]) $(id).oninput = updateReport;
  $("followups").onclick = (e) => {
    const b = e.target.closest("button[data-key]");
    if (b) openFollowup(b.dataset.key);
  };
  $("followup-assign").onclick = () => followupAct("assign");
  $("followup-handle").onclick = () => followupAct("handle");
  $("followup-close").onclick = () => followupAct("close");
  $("followup-cancel").onclick = () => $("followup-dialog").close();
  $("login-button").onclick = () => $("login-dialog").showModal();
  $("login-cancel").onclick = () => $("login-dialog").close();
  $("login-form").onsubmit = login;
  $("logout-button").onclick = async () => {
    await fetch("/api/logout", { method: "POST" });
    me = {}; showUser(); connect();
  };
  $("services-form").onsubmit = saveServices;
  $("services-cancel").onclick = () => $("services-dialog").close();
  $("services-add").onchange = (e) => {
    if (e.target.value) { editing.services[e.target.value] = "secondary"; drawServiceRows(); }
  };
  $("ratio-button").onclick = () => act({ op: "set_priority_ratio", ratio: Number($("ratio-input").value) });
  $("windows").onclick = (e) => {
    const b = e.target.closest("button");
    if (!b) return;
    if (b.dataset.edit) editServices(b.dataset.edit);
    else act({ op: b.dataset.op, window: b.dataset.window });
  };
  $("advice-moves").onclick = (e) => {
    const li = e.target.closest("button.apply") && e.target.closest("li.move");
    if (!li || !S.staffing) return; // find the move again: the list may have been refreshed
    const m = S.staffing.moves.find((x) => x.action === li.dataset.action && x.window === li.dataset.window);
    if (m && m.command) act(m.command);
  };
  $("alerts").onclick = (e) => {
    const b = e.target.closest("button.apply");
    if (b) act(S.alerts[Number(b.dataset.alert)].action);
  };
}
applyTexts();
wire();
connect();
loadMe();
loadCharts();
setInterval(loadCharts, 60000);
setInterval(() => { $("clock").textContent = hhmm(now()); }, 1000);
setInterval(() => { renderServices(); renderWindows(); }, 15000);
setInterval(loadFollowups, 60000); // new 差评 show within a minute
