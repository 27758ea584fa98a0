// Agency (帮办代办) on the managers' board: the cases agency desks carry (release one, or
// have a desk take one), and door-step requests (上门服务: the place is personal data, so
// they come from /api/doorstep, managers only). Uses board.js's S, t, esc, act, toast, me, $.
"use strict";
let doorsteps = [];

function agencyRows() {
  return (S.cases || []).filter((k) => k.agent);
}
function renderAgency() {
  const rows = agencyRows();
  const t0 = now();
  const svc = (c) => (S.info.services && S.info.services[c] ? S.info.services[c][LANG] : c);
  $("agency-count").textContent = rows.length || "";
  $("agency").tBodies[0].innerHTML = rows.map((k) => {
    const where = k.review ? `${t("joint_review")} · ${LANG ? k.room_name_en : k.room_name}`
      : k.window ? `${jointNames("windows", k.window)} · ${t("st_" + k.state)}` : t("st_" + k.state);
    const mins = Math.max(0, Math.round((t0 - k.issued_at) / 60));
    return `<tr class="carried ${esc(k.state)}" data-ticket="${esc(k.ticket)}"><td class="num">${esc(k.ticket)}</td>
      <td>${esc(LANG ? k.matter_name_en : k.matter_name)}</td><td>${esc(LANG ? k.desk_name_en : k.desk_name)} · ${esc(k.agent)}</td>
      <td class="num">${k.step}/${k.steps}</td><td>${esc(svc(k.service))}</td><td>${esc(where)}</td>
      <td class="num">${mins} ${t("min")}</td>
      <td class="actions"><button type="button" data-release="${esc(k.ticket)}">${t("agency_release")}</button></td></tr>`;
  }).join("");
  $("agency-empty").classList.toggle("hidden", rows.length > 0);
  agencyForm();
}
function agencyForm() { // desks and matters come from the config (S.info), drawn once
  const desks = $("agency-desk"), matters = $("agency-matter");
  if (desks.options.length || !S.info.agency_desks) return;
  desks.innerHTML = S.info.agency_desks.map((id) => `<option value="${esc(id)}">${esc(jointNames("windows", id))}</option>`).join("");
  matters.innerHTML = `<option value="">${esc(t("agency_by_ticket"))}</option>` + Object.keys(S.info.matters || {}).map((id) =>
    `<option value="${esc(id)}">${esc(jointNames("matters", id))}</option>`).join("");
}
$("agency-form").onsubmit = async (e) => {
  e.preventDefault();
  const ticket = $("agency-ticket").value.trim().toUpperCase(), matter = $("agency-matter").value;
  if (!ticket === !matter) { toast(t("agency_need"), false); return; }
  const body = { op: "agency_take", window: $("agency-desk").value, agent: $("agency-agent").value.trim() };
  if (ticket) body.ticket = ticket; else body.matter = matter;
  if (await act(body)) $("agency-ticket").value = "";
};
$("agency").onclick = (e) => {
  const b = e.target.closest("button[data-release]");
  if (b) act({ op: "agency_release", ticket: b.dataset.release });
};

// ------------------------------------------------------------------ 上门服务
async function loadDoorsteps() {
  const r = await fetch("/api/doorstep");
  if (!r.ok) return;
  doorsteps = (await r.json()).items || [];
  renderDoorsteps();
}
function renderDoorsteps() {
  $("doorstep").tBodies[0].innerHTML = doorsteps.map((d) => {
    const open = d.status === "open";
    const b = (status, key) => `<button type="button" data-doorstep="${d.id}" data-status="${status}">${t(key)}</button>`;
    return `<tr class="doorstep ${esc(d.status)}" data-id="${d.id}"><td class="num">${d.id}</td><td>${esc(d.what)}</td>
      <td>${esc(d.place)}</td><td>${esc(d.wanted)}</td><td>${esc(d.note)}</td><td>${t("ds_" + d.status)}</td>
      <td class="actions">${open ? b("done", "ds_do_done") + b("cancelled", "ds_do_cancel") : ""}</td></tr>`;
  }).join("");
  $("doorstep-empty").classList.toggle("hidden", doorsteps.length > 0);
}
async function doorstepPost(body) {
  const r = await fetch("/api/doorstep", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": me.csrf || "" },
    body: JSON.stringify(body),
  });
  const reply = await r.json();
  toast(reply.ok ? t("done_ok") : `${t("failed")}: ${reply.message || reply.error}`, reply.ok);
  if (reply.ok) await loadDoorsteps();
  return reply.ok;
}
$("doorstep-form").onsubmit = async (e) => {
  e.preventDefault();
  const body = { what: $("ds-what").value, place: $("ds-place").value, wanted: $("ds-wanted").value, note: $("ds-note").value };
  if (await doorstepPost(body)) for (const id of ["ds-what", "ds-place", "ds-wanted", "ds-note"]) $(id).value = "";
};
$("doorstep").onclick = (e) => {
  const b = e.target.closest("button[data-doorstep]");
  if (b) doorstepPost({ id: Number(b.dataset.doorstep), status: b.dataset.status });
};
