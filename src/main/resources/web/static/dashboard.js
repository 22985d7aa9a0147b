// The admin dashboard's charts: figures from /admin/data.json drawn with uPlot (served from its webjar).
"use strict";
(function () {
  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = String(text); // never innerHTML: client addresses and zone reasons are data
    row.appendChild(td);
  }

  function table(id, rows) {
    const t = document.getElementById(id);
    for (const values of rows) {
      const tr = document.createElement("tr");
      values.forEach(v => cell(tr, v));
      t.appendChild(tr);
    }
  }

  function width(el) {
    return Math.max(320, el.clientWidth || 800);
  }

  function traffic(timeline) {
    const el = document.getElementById("traffic");
    if (timeline.t.length < 2) {
      return;
    }
    el.textContent = "";
    new uPlot({
      width: width(el), height: 260,
      series: [{}, { label: "accepted", stroke: "#2f7a3c" }, { label: "refused", stroke: "#a3262a" },
        { label: "deferred", stroke: "#b7791f" }, { label: "greylisted", stroke: "#24406b" }],
      axes: [{}, { label: "per minute" }],
    }, [timeline.t, timeline.accepted, timeline.refused, timeline.deferred, timeline.greylisted], el);
  }

  const PALETTE = ["#a3262a", "#24406b", "#b7791f", "#2f7a3c", "#5b6570", "#7b3fa0", "#1f7a7a", "#c05621",
    "#4a5568", "#9b2c2c"];

  function checksOverTime(timeline) {
    const el = document.getElementById("checks-over-time");
    const names = Object.keys(timeline.checks).sort();
    if (timeline.t.length < 2 || names.length === 0) {
      return;
    }
    el.textContent = "";
    new uPlot({
      width: width(el), height: 260,
      series: [{}].concat(names.map((n, i) => ({ label: n, stroke: PALETTE[i % PALETTE.length] }))),
      axes: [{}, { label: "refusals per minute" }],
    }, [timeline.t].concat(names.map(n => timeline.checks[n])), el);
  }

  function byCheck(refusals) {
    const el = document.getElementById("by-check");
    const checks = new Set();
    Object.values(refusals).forEach(m => Object.keys(m).forEach(c => checks.add(c)));
    const names = Array.from(checks).sort();
    if (names.length === 0) {
      el.textContent = "No refusals yet.";
      return;
    }
    const outcomes = ["reject", "tempfail", "disconnect", "tag"];
    const colours = { reject: "#a3262a", tempfail: "#b7791f", disconnect: "#5b6570", tag: "#24406b" };
    const xs = names.map((_, i) => i);
    const data = [xs].concat(outcomes.map(o => names.map(c => (refusals[o] || {})[c] || 0)));
    new uPlot({
      width: width(el), height: 260,
      scales: { x: { time: false } },
      series: [{}].concat(outcomes.map(o => ({ label: o, stroke: colours[o], fill: colours[o] + "55",
        paths: uPlot.paths.bars({ size: [0.8] }) }))),
      axes: [{ values: (u, ticks) => ticks.map(i => names[i] || "") }, { label: "refusals" }],
    }, data, el);
  }

  fetch("/admin/data.json", { credentials: "same-origin" })
    .then(r => r.json())
    .then(d => {
      traffic(d.timeline);
      checksOverTime(d.timeline);
      byCheck(d.refusalsByCheck);
      table("top-clients", d.topClients.map(c => [c.address, c.refusals]));
      table("top-networks", d.topNetworks.map(n => [n.network, n.refusals]));
      table("zones", d.zones.map(z => [z.zone, z.healthy ? "healthy" : "suspended: " + z.reason]));
      document.getElementById("spool").textContent = String(d.spool);
    });
})();
