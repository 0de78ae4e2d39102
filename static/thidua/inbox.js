// Live task lists: when the socket says "a task list changed" (a colleague claimed a task, a dossier
// arrived in a queue) or a notification arrives, the page fetches itself again and swaps in the new table
// body. The server renders the list with the same scoped query as a reload, so nothing is computed here.
(function () {
  "use strict";

  var table = document.getElementById("inbox-table");
  if (!table || !window.fetch || !window.DOMParser) {
    return;
  }
  var timer = null;
  var busy = false;
  var again = false;

  function checkedTasks() {
    var ids = {};
    table.querySelectorAll('input[name="task"]:checked').forEach(function (box) {
      ids[box.value] = true;
    });
    return ids;
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("inbox-table");
    if (!fresh) {
      return;
    }
    var keep = checkedTasks();
    var body = table.querySelector("tbody");
    var freshBody = fresh.querySelector("tbody");
    freshBody.querySelectorAll('input[name="task"]').forEach(function (box) {
      box.checked = !!keep[box.value];
    });
    body.replaceWith(document.importNode(freshBody, true));
    // The "claim selected" button only shows when the queue has rows.
    var button = document.getElementById("bulk-claim-button");
    var freshButton = doc.getElementById("bulk-claim-button");
    if (button && !freshButton) {
      button.hidden = true;
    } else if (button && freshButton) {
      button.hidden = false;
    } else if (!button && freshButton) {
      table.after(document.importNode(freshButton, true));
    }
    table.setAttribute("data-refreshed", String(Date.now()));
    document.dispatchEvent(new CustomEvent("thidua:inbox-refreshed"));
  }

  function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    again = false;
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (resp) {
        if (!resp.ok || resp.redirected) {
          throw new Error("HTTP " + resp.status);
        }
        return resp.text();
      })
      .then(swap)
      .catch(function () {
        // The next ping or a reload shows the list; a failed refresh leaves the current one.
      })
      .then(function () {
        busy = false;
        if (again) {
          refresh();
        }
      });
  }

  // Pings come in bursts (one per queue of a dossier): refresh once per burst.
  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  }

  document.addEventListener("thidua:queue", soon);
  document.addEventListener("thidua:notification", soon);
})();
