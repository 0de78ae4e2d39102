// Council session live screen: ballots returned per dossier (who, never how) and the session closing.
(function () {
  "use strict";
  const root = document.getElementById("council-session");
  if (!root) return;
  let status = root.dataset.status;

  function renderProgress(rows) {
    rows.forEach(function (row) {
      const cell = document.getElementById("progress-" + row.dossier_id);
      if (!cell) return;
      cell.querySelector(".returned").textContent = row.returned;
      cell.querySelector(".expected").textContent = row.expected;
      cell.querySelector(".voters").textContent = row.voters.join(", ");
    });
  }

  function closed() {
    const banner = document.getElementById("council-closed-banner");
    if (banner) banner.hidden = false;
    document.querySelectorAll(".ballot-form button, .conflict-form button").forEach(function (b) {
      b.disabled = true;
    });
    if (status !== "closed") {
      status = "closed";
      // Results and the minutes are on the server-rendered page.
      setTimeout(function () { window.location.replace(root.dataset.detailUrl); }, 1500);
    }
  }

  function refresh() {
    fetch(root.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        renderProgress(data.rows);
        if (data.status === "closed") closed();
        else if (data.status !== status) window.location.replace(root.dataset.detailUrl);
      })
      .catch(function () {});
  }

  function connect(delay) {
    if (status === "closed") return;
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const ws = new WebSocket(scheme + window.location.host + root.dataset.ws);
    ws.onopen = function () { root.dataset.live = "1"; refresh(); };
    ws.onmessage = function (event) {
      const msg = JSON.parse(event.data);
      if (msg.type === "progress") {
        renderProgress(msg.rows);
        if (msg.status !== status && msg.status !== "closed") window.location.replace(root.dataset.detailUrl);
      } else if (msg.type === "closed") {
        closed();
      }
    };
    ws.onclose = function () {
      root.dataset.live = "0";
      setTimeout(function () { connect(Math.min((delay || 1000) * 2, 15000)); }, delay || 1000);
    };
  }
  connect(1000);
})();
