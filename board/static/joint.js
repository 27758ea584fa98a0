// Joint reviews (联审联批) on the managers' board: the day's reviews with each department's
// summon, confirmation and time, and a form to open one. Uses board.js's S, t, esc, act, $.
"use strict";
S.joint = S.joint || [];

function jointNames(kind, id) {
  const pair = S.info[kind] && S.info[kind][id];
  return pair ? pair[LANG] : id;
}
function jointPart(p, late) {
  const dep = LANG ? p.department_name_en || p.department : p.department_name || p.department;
  const ok = p.confirmed_at != null;
  const when = ok ? `${hhmm(p.summoned_at)}→${hhmm(p.confirmed_at)}` : `${hhmm(p.summoned_at)}→${t("unconfirmed")}`;
  const cls = ok ? "ok" : late ? "bad" : "";
  return `<li class="part ${cls}" data-window="${esc(p.window)}">${esc(dep)} · ${esc(p.window_name || p.window)} · ${esc(when)} · ${Math.round(p.time_s / 60)} ${t("min")}</li>`;
}
function renderJoint() {
  const rows = S.joint || [];
  const t0 = now();
  $("joint-count").textContent = rows.filter((r) => r.status !== "closed").length || "";
  $("joint").tBodies[0].innerHTML = rows.map((r) => {
    const late = (p) => p.confirmed_at == null && t0 - p.summoned_at > r.confirm_within_s;
    const parts = r.parts.map((p) => jointPart(p, r.status !== "closed" && late(p))).join("");
    const room = LANG ? r.room_name_en : r.room_name;
    const b = (outcome, key) => `<button type="button" data-review="${esc(r.review)}" data-outcome="${outcome}">${t(key)}</button>`;
    const buttons = r.status === "closed" ? "" : (r.status === "called" ? b("done", "joint_done") : "") + b("back", "joint_back");
    return `<tr class="review ${esc(r.status)}" data-review="${esc(r.review)}"><td class="num">${esc(r.review)}</td>
      <td class="num">${esc(r.ticket)}</td><td>${esc(room)}</td><td>${t("js_" + r.status)}</td>
      <td><ul class="parts">${parts}</ul></td><td class="actions">${buttons}</td></tr>`;
  }).join("");
  $("joint-empty").classList.toggle("hidden", rows.length > 0);
  jointForm();
}
function jointForm() { // rooms and departments come from the config (S.info), drawn once
  const rooms = $("joint-room"), deps = $("joint-departments");
  if (rooms.options.length || !S.info.rooms) return;
  rooms.innerHTML = Object.keys(S.info.rooms).map((id) => `<option value="${esc(id)}">${esc(jointNames("rooms", id))}</option>`).join("");
  deps.innerHTML = Object.keys(S.info.departments || {}).map((id) =>
    `<label class="dep"><input type="checkbox" value="${esc(id)}">${esc(jointNames("departments", id))}</label>`).join("");
}
$("joint-form").onsubmit = async (e) => {
  e.preventDefault();
  const departments = [...$("joint-departments").querySelectorAll("input:checked")].map((i) => i.value);
  const ticket = $("joint-ticket").value.trim().toUpperCase();
  if (!ticket || !departments.length) { toast(t("joint_need"), false); return; }
  if (await act({ op: "joint_open", ticket, room: $("joint-room").value, departments })) $("joint-ticket").value = "";
};
$("joint").onclick = (e) => {
  const b = e.target.closest("button[data-review]");
  if (b) act({ op: "joint_close", review: b.dataset.review, outcome: b.dataset.outcome });
};
