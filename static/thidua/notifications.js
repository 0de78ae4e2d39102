// Live notifications: the socket only says "news up to N"; the rows come from the outbox over HTTP.
// On every wake-up and every (re)connect the client fetches everything after the last sequence number it
// holds, so a dropped push, a Redis outage or a closed laptop lose nothing, and seq de-duplicates.
// Plain script, served locally, no build step. Strings come from data- attributes rendered by Django.
(function () {
  "use strict";

  var bell = document.getElementById("td-bell");
  if (!bell || !window.WebSocket || !window.fetch) {
    return;
  }
  var badge = bell.querySelector(".td-bell__badge");
  var stateEl = bell.querySelector(".td-bell__state");
  var toasts = document.getElementById("td-toasts");
  var label = function (name) {
    return bell.getAttribute("data-label-" + name) || "";
  };

  var lastSeq = parseInt(bell.getAttribute("data-last-seq"), 10) || 0;
  var unread = parseInt(bell.getAttribute("data-unread"), 10) || 0;
  var sinceBase = bell.getAttribute("data-since-url").replace(/0\/$/, "");
  var socket = null;
  var attempt = 0;
  var fetching = false;
  var fetchAgain = false;
  var stopped = false;
  var pingTimer = null;
  var everOpen = false;

  function setUnread(n) {
    unread = Math.max(0, n | 0);
    badge.textContent = String(unread);
    badge.setAttribute("data-count", String(unread));
    badge.hidden = unread === 0;
  }

  function setOffline(offline) {
    stateEl.hidden = !offline;
    stateEl.textContent = offline ? label("offline") : "";
    bell.classList.toggle("td-bell--offline", offline);
  }

  function toast(item) {
    if (!toasts) {
      return;
    }
    var box = document.createElement("div");
    box.className = "td-toast";
    box.setAttribute("role", "status");
    box.setAttribute("data-seq", String(item.seq));
    var head = document.createElement("strong");
    head.textContent = item.title || label("new");
    box.appendChild(head);
    if (item.body) {
      var body = document.createElement("div");
      body.className = "td-toast__body";
      body.textContent = item.body;
      box.appendChild(body);
    }
    // Only same-site relative links are followed from a notification.
    if (item.url && item.url.charAt(0) === "/" && item.url.charAt(1) !== "/") {
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = label("open");
      box.appendChild(link);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "td-toast__close";
    close.setAttribute("aria-label", label("close"));
    close.textContent = "×";
    close.addEventListener("click", function () {
      box.remove();
    });
    box.appendChild(close);
    toasts.appendChild(box);
    while (toasts.children.length > 5) {
      toasts.removeChild(toasts.firstChild);
    }
    setTimeout(function () {
      box.remove();
    }, 8000);
  }

  function deliver(item) {
    document.dispatchEvent(new CustomEvent("thidua:notification", { detail: item }));
    if (!item.read) {
      toast(item);
    }
  }

  // One fetch at a time; a wake-up that arrives meanwhile triggers one more round afterwards.
  function fetchNews() {
    if (fetching) {
      fetchAgain = true;
      return;
    }
    fetching = true;
    fetchAgain = false;
    fetch(sinceBase + lastSeq + "/", {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (resp) {
        if (resp.status === 401) {
          stopped = true;
          throw new Error("logged out");
        }
        if (!resp.ok) {
          throw new Error("HTTP " + resp.status);
        }
        return resp.json();
      })
      .then(function (data) {
        (data.items || []).forEach(function (item) {
          if (item.seq > lastSeq) {
            lastSeq = item.seq;
            deliver(item);
          }
        });
        setUnread(data.unread);
        bell.setAttribute("data-last-seq", String(lastSeq));
        if (data.more) {
          fetchAgain = true;
        }
      })
      .catch(function () {
        // The next wake-up or reconnect fetches again from the same lastSeq.
      })
      .then(function () {
        fetching = false;
        if (fetchAgain && !stopped) {
          fetchNews();
        }
      });
  }

  function reconnectLater() {
    if (stopped) {
      return;
    }
    // Exponential backoff with jitter, capped at 30 s, so a restarted server is not stampeded.
    var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
    attempt += 1;
    setTimeout(connect, delay);
  }

  function connect() {
    if (stopped) {
      return;
    }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var ws;
    try {
      ws = new WebSocket(scheme + window.location.host + bell.getAttribute("data-ws-path"));
    } catch (e) {
      reconnectLater();
      return;
    }
    socket = ws;
    ws.onopen = function () {
      attempt = 0;
      setOffline(false);
      bell.setAttribute("data-live", "1");
      fetchNews();
      // A task list may have changed while the socket was down: let live lists refresh once.
      if (everOpen) {
        document.dispatchEvent(new CustomEvent("thidua:queue"));
      }
      everOpen = true;
      clearInterval(pingTimer);
      pingTimer = setInterval(function () {
        if (ws.readyState === WebSocket.OPEN) {
          ws.send(JSON.stringify({ type: "ping" }));
        }
      }, 25000);
    };
    ws.onmessage = function (ev) {
      var msg;
      try {
        msg = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      if (msg.type === "wake" && msg.upto > lastSeq) {
        fetchNews();
      } else if (msg.type === "queue") {
        document.dispatchEvent(new CustomEvent("thidua:queue"));
      }
    };
    ws.onclose = function (ev) {
      clearInterval(pingTimer);
      if (socket !== ws) {
        return;
      }
      socket = null;
      bell.setAttribute("data-live", "0");
      setOffline(true);
      // 4401: refused (logged out or no access) — back off hard instead of hammering the server.
      if (ev.code === 4401) {
        attempt = Math.max(attempt, 6);
      }
      reconnectLater();
    };
  }


  // --- The notifications page: new rows appear on top, mark-read works without a reload. -----------
  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  var list = document.getElementById("td-notification-list");
  if (list && !/[?&]before=/.test(window.location.search)) {
    var tbody = list.querySelector("tbody");
    document.addEventListener("thidua:notification", function (ev) {
      var item = ev.detail;
      if (tbody.querySelector('tr[data-seq="' + item.seq + '"]')) {
        return;
      }
      var empty = tbody.querySelector(".td-notif-empty");
      if (empty) {
        empty.remove();
      }
      var tr = document.createElement("tr");
      tr.setAttribute("data-seq", String(item.seq));
      tr.setAttribute("data-id", String(item.id));
      if (!item.read) {
        tr.className = "td-notif--unread";
      }
      var what = document.createElement("td");
      if (item.url && item.url.charAt(0) === "/" && item.url.charAt(1) !== "/") {
        var a = document.createElement("a");
        a.href = item.url;
        a.textContent = item.title;
        what.appendChild(a);
      } else {
        what.textContent = item.title;
      }
      if (item.body) {
        var small = document.createElement("div");
        small.innerHTML = "<small></small>";
        small.firstChild.textContent = item.body;
        what.appendChild(small);
      }
      var when = document.createElement("td");
      var d = new Date(item.created_at);
      var pad = function (n) {
        return (n < 10 ? "0" : "") + n;
      };
      when.textContent =
        pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear() + " " +
        pad(d.getHours()) + ":" + pad(d.getMinutes());
      var act = document.createElement("td");
      if (!item.read) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.className = "td-mark-read-js";
        btn.textContent = list.getAttribute("data-label-mark-read");
        act.appendChild(btn);
      }
      tr.appendChild(what);
      tr.appendChild(when);
      tr.appendChild(act);
      tbody.insertBefore(tr, tbody.firstChild);
    });

    var markRead = function (tr) {
      var id = tr.getAttribute("data-id");
      fetch(list.getAttribute("data-read-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify({ ids: [parseInt(id, 10)] }),
      })
        .then(function (resp) {
          return resp.ok ? resp.json() : null;
        })
        .then(function (data) {
          if (!data) {
            return;
          }
          tr.classList.remove("td-notif--unread");
          var cell = tr.lastElementChild;
          while (cell.firstChild) {
            cell.removeChild(cell.firstChild);
          }
          setUnread(data.unread);
        })
        .catch(function () {});
    };
    list.addEventListener("click", function (ev) {
      var target = ev.target;
      if (target.classList && target.classList.contains("td-mark-read-js")) {
        markRead(target.closest("tr"));
      }
    });
    list.addEventListener("submit", function (ev) {
      if (ev.target.classList.contains("td-mark-read")) {
        ev.preventDefault();
        markRead(ev.target.closest("tr"));
      }
    });
  }

  // Inbox pages can mark items read without a reload and keep the badge right.
  window.thiduaNotifications = {
    lastSeq: function () {
      return lastSeq;
    },
    setUnread: setUnread,
    refresh: fetchNews,
  };

  window.addEventListener("online", function () {
    if (!socket) {
      attempt = 0;
      connect();
    }
  });
  setUnread(unread);
  connect();
})();
