#include "operator/status_page.h"

namespace baton::ops {
namespace {

// Text from the node (gateway addresses, ticket reasons) is only ever set with textContent, so
// nothing a gateway sends becomes markup.
constexpr const char* kPage = R"PAGE(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Baton orchestrator</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1c2230; }
  header { background: #1c2230; color: #fff; padding: 12px 20px; display: flex; gap: 24px;
           align-items: baseline; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; }
  header span { opacity: .85; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px;
         padding: 16px 20px; }
  section { background: #fff; border-radius: 8px; padding: 12px 16px;
            box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 15px; margin: 0 0 8px; }
  .big { font-size: 28px; font-weight: 600; }
  table { border-collapse: collapse; width: 100%; }
  td, th { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eceef2; }
  td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
  .bar { height: 10px; background: #e3e6ec; border-radius: 5px; overflow: hidden; }
  .bar > div { height: 100%; background: #2f7de1; }
  .muted { color: #6b7385; }
  .err { color: #b42318; }
  .legend i { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; }
</style>
</head>
<body>
<header>
  <h1>Baton orchestrator</h1>
  <span id="node-version"></span>
  <span id="node-network"></span>
  <span id="node-uri"></span>
  <span id="node-address"></span>
  <span id="updated" class="muted"></span>
</header>
<main>
  <section>
    <h2>Sessions</h2>
    <div class="big"><span id="sessions-in-use">-</span> / <span id="sessions-max">-</span></div>
    <div class="bar"><div id="sessions-bar" style="width:0"></div></div>
    <p class="muted">transcode sessions in use / the most this node takes</p>
  </section>
  <section>
    <h2>Workers</h2>
    <table><tbody id="workers"></tbody></table>
  </section>
  <section>
    <h2>Prices</h2>
    <table><thead><tr><th>gateway</th><th class="n">wei per pixel</th></tr></thead>
    <tbody id="prices"></tbody></table>
    <p id="chain-info" class="muted"></p>
  </section>
  <section>
    <h2>Winning tickets</h2>
    <table><thead><tr><th>state</th><th class="n">tickets</th><th class="n">face value (ETH)</th></tr></thead>
    <tbody id="tickets"></tbody></table>
    <p id="tickets-note" class="muted"></p>
  </section>
  <section class="wide">
    <h2>Earnings per round</h2>
    <div class="legend muted"><i style="background:#2f7de1"></i>redeemed<i style="background:#f2a33a"></i>pending<i style="background:#d94c4c"></i>lost (expired or failed)</div>
    <svg id="earnings-chart" width="100%" height="180" viewBox="0 0 800 180" preserveAspectRatio="none" role="img" aria-label="face value won per round"></svg>
    <table><thead><tr><th>round</th><th class="n">tickets</th><th class="n">won (ETH)</th><th class="n">redeemed (ETH)</th><th class="n">pending (ETH)</th><th class="n">lost (ETH)</th></tr></thead>
    <tbody id="earnings"></tbody></table>
    <p id="earnings-note" class="muted"></p>
  </section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
function text(id, value) { $(id).textContent = value; }
function row(cells, numeric) {
  const tr = document.createElement("tr");
  cells.forEach((c, i) => {
    const td = document.createElement("td");
    td.textContent = c;
    if (numeric && numeric[i]) td.className = "n";
    tr.appendChild(td);
  });
  return tr;
}
function fill(id, rows) { $(id).replaceChildren(...rows); }
// Wei (decimal string) as ETH with 6 decimals, exactly (BigInt).
function eth(wei) {
  let v;
  try { v = BigInt(wei || "0"); } catch (e) { return String(wei); }
  const unit = 10n ** 18n, micro = 10n ** 12n;
  const whole = v / unit, frac = (v % unit) / micro;
  return whole.toString() + "." + frac.toString().padStart(6, "0");
}
function weiNumber(wei) { try { return Number(BigInt(wei || "0")); } catch (e) { return 0; } }
// "a/b" or "n" (go-livepeer's big.Rat) as a decimal.
function ratio(r) {
  const s = String(r);
  const p = s.split("/");
  if (p.length === 2 && Number(p[1]) !== 0) return String(Number(p[0]) / Number(p[1]));
  return s;
}
async function get(path) {
  const r = await fetch(path, { credentials: "same-origin", cache: "no-store" });
  if (!r.ok) throw new Error(path + ": " + r.status + " " + (await r.text()).trim());
  const body = await r.text();
  try { return JSON.parse(body); } catch (e) { return body.trim(); }
}

function showStatus(s) {
  text("node-version", "version " + s.Version);
  text("node-network", "network " + s.Network);
  text("node-uri", s.ServiceURI || "");
  text("node-address", s.Address ? "account " + s.Address : "no account");
  text("sessions-in-use", s.SessionsInUse);
  text("sessions-max", s.MaxSessions);
  const pct = s.MaxSessions > 0 ? Math.min(100, 100 * s.SessionsInUse / s.MaxSessions) : 0;
  $("sessions-bar").style.width = pct + "%";
  const workers = [row(["local transcoder", s.LocalTranscoding ? "yes (in-process)" : "none"])];
  (s.RegisteredTranscoders || []).forEach((t) =>
    workers.push(row(["remote " + t.Address, "capacity " + t.Capacity])));
  if (s.RegisteredTranscodersNumber !== undefined)
    workers.push(row(["remote transcoders", String(s.RegisteredTranscodersNumber)]));
  workers.push(row(["capabilities", String((s.Capabilities || []).length)]));
  fill("workers", workers);
  const prices = [];
  const bp = s.BroadcasterPrices || {};
  Object.keys(bp).sort().forEach((k) => prices.push(row([k, ratio(bp[k])], [false, true])));
  if (prices.length === 0) prices.push(row(["default", "see -pricePerUnit"], [false, true]));
  fill("prices", prices);
}

const STATES = ["queued", "submitted", "redeemed", "failed", "expired"];
function showTickets(t) {
  fill("tickets", STATES.map((st) => {
    const tr = row([st, String(t.counts[st]), eth(t.faceValues[st])], [false, true, true]);
    tr.id = "tickets-" + st;
    return tr;
  }));
  const waiting = BigInt(t.faceValues.queued || "0") + BigInt(t.faceValues.submitted || "0");
  text("tickets-note", t.counts.total + " in all; " + eth(waiting.toString()) + " ETH waiting to be redeemed");
}

// From the ledger when the node has no /earnings: face value per ticket's creation round.
function earningsFromTickets(t) {
  const by = new Map();
  for (const x of t.tickets || []) {
    const r = x.creationRound;
    const e = by.get(r) || { round: r, tickets: 0, won: 0n, redeemed: 0n, pending: 0n, lost: 0n };
    const v = BigInt(x.faceValue || "0");
    e.tickets++; e.won += v;
    if (x.state === "redeemed") e.redeemed += v;
    else if (x.state === "queued" || x.state === "submitted") e.pending += v;
    else e.lost += v;
    by.set(r, e);
  }
  return [...by.values()].sort((a, b) => b.round - a.round).map((e) => ({
    round: e.round, tickets: e.tickets, wonFaceValue: e.won.toString(),
    redeemedFaceValue: e.redeemed.toString(), pendingFaceValue: e.pending.toString(),
    lostFaceValue: e.lost.toString() }));
}

function showEarnings(rounds, note) {
  text("earnings-note", note);
  fill("earnings", rounds.map((r) => {
    const tr = row([String(r.round), String(r.tickets), eth(r.wonFaceValue), eth(r.redeemedFaceValue),
                    eth(r.pendingFaceValue), eth(r.lostFaceValue)], [false, true, true, true, true, true]);
    tr.className = "earnings-round";
    return tr;
  }));
  // Oldest on the left; stacked bars redeemed / pending / lost.
  const svg = $("earnings-chart");
  const ns = "http://www.w3.org/2000/svg";
  const shown = rounds.slice(0, 30).reverse();
  const max = Math.max(1, ...shown.map((r) => weiNumber(r.wonFaceValue)));
  // At least 12 slots wide, so a young node's one or two rounds are not page-wide slabs.
  const w = 800, h = 160, slot = w / Math.max(shown.length, 12);
  const parts = [];
  const axis = document.createElementNS(ns, "line");
  axis.setAttribute("x1", 0); axis.setAttribute("x2", w); axis.setAttribute("y1", h); axis.setAttribute("y2", h);
  axis.setAttribute("stroke", "#9aa1b1");
  parts.push(axis);
  shown.forEach((r, i) => {
    let y = h;
    [["redeemedFaceValue", "#2f7de1"], ["pendingFaceValue", "#f2a33a"], ["lostFaceValue", "#d94c4c"]]
      .forEach(([key, color]) => {
        const bh = (h - 10) * weiNumber(r[key]) / max;
        if (bh <= 0) return;
        y -= bh;
        const rect = document.createElementNS(ns, "rect");
        rect.setAttribute("x", i * slot + slot * 0.15); rect.setAttribute("width", slot * 0.7);
        rect.setAttribute("y", y); rect.setAttribute("height", bh); rect.setAttribute("fill", color);
        rect.setAttribute("class", "bar-" + key);
        const title = document.createElementNS(ns, "title");
        title.textContent = "round " + r.round + ": " + eth(r[key]) + " ETH";
        rect.appendChild(title);
        parts.push(rect);
      });
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", i * slot + slot / 2); label.setAttribute("y", h + 14);
    label.setAttribute("text-anchor", "middle"); label.setAttribute("font-size", "11");
    label.setAttribute("fill", "#6b7385");
    label.textContent = String(r.round);
    parts.push(label);
  });
  svg.replaceChildren(...parts);
}

async function refresh() {
  try {
    showStatus(await get("/status"));
  } catch (e) {
    text("updated", "node unreachable: " + e.message);
    $("updated").className = "err";
    return;
  }
  get("/currentRound").then((r) => text("chain-info", "current round " + r)).catch(() =>
    text("chain-info", "offchain: no rounds"));
  let tickets = null;
  try {
    tickets = await get("/tickets?limit=1000");
    showTickets(tickets);
  } catch (e) {
    fill("tickets", [row(["-", "no ticket ledger", ""])]);
    text("tickets-note", e.message);
  }
  try {
    const e = await get("/earnings?rounds=30");
    showEarnings(e.rounds || [], "rounds by the creation round of their winning tickets; current round " + e.currentRound);
  } catch (err) {
    if (tickets) showEarnings(earningsFromTickets(tickets), "computed from the newest 1000 tickets");
    else showEarnings([], "no winning tickets (the node has no account)");
  }
  $("updated").className = "muted";
  text("updated", "updated " + new Date().toLocaleTimeString());
}
refresh();
setInterval(refresh, 5000);
</script>
</body>
</html>
)PAGE";

}  // namespace

const std::string& StatusPageHtml() {
  static const auto* page = new std::string(kPage);
  return *page;
}

void RegisterStatusPage(http::Router& router) {
  // Not an API route (operator/routes.h describes those): a page for a browser.
  auto serve = [](http::HttpRequest, std::shared_ptr<http::ResponseWriter> response) {
    http::HttpHeaders headers{
        // Only this page's own inline code and same-origin fetches; never framed.
        {"content-security-policy",
         "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
         "connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
         "form-action 'none'"},
        {"x-frame-options", "DENY"},
        {"x-content-type-options", "nosniff"},
        {"referrer-policy", "no-referrer"},
        {"cache-control", "no-store"}};
    response->Respond(200, "text/html; charset=utf-8", StatusPageHtml(), std::move(headers));
  };
  router.Handle("/", {"GET"}, serve);
  router.Handle("/status.html", {"GET"}, serve);
}

}  // namespace baton::ops
