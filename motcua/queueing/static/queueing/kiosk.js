/* The kiosk: one tap = one ticket. The form is sent in the background with a random key for
   the tap; if the server cannot be reached (a network drop, a restart) the same request is sent
   again with the same key, so the citizen gets exactly one number. The ticket is printed from a
   hidden frame and the kiosk page itself never navigates away. */
(function () {
  "use strict";
  var form = document.getElementById("kiosk-form");
  if (!form || !window.fetch) { return; }
  var result = document.getElementById("kiosk-result");
  var frame = document.getElementById("kiosk-print");
  var keyInput = form.querySelector("input[name=request_key]");
  var busy = false;
  var RETRY_MS = 2000;
  var GIVE_UP_MS = 60000;
  var SHOW_MS = 9000;

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function show(state) {
    result.hidden = false;
    result.querySelectorAll("[data-state]").forEach(function (el) {
      el.hidden = el.getAttribute("data-state") !== state;
    });
  }

  function field(name, value) {
    result.querySelector("[data-field=" + name + "]").textContent = value;
  }

  function reset() {
    result.hidden = true;
    form.reset();
    keyInput.value = newKey();
    busy = false;
    form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
  }

  function delay(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function send(body, startedAt) {
    return fetch(form.action, {
      method: "POST",
      body: body,
      headers: { "Accept": "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      if (response.status >= 500) { throw new Error("server " + response.status); }
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) { return { ok: false, data: {} }; }
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).catch(function (error) {
      if (Date.now() - startedAt > GIVE_UP_MS) { throw error; }
      show("retrying");
      return delay(RETRY_MS).then(function () { return send(body, startedAt); });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    var button = event.submitter;
    if (!button || button.name !== "service_area") { return; }
    busy = true;
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    var body = new FormData(form);
    body.set("service_area", button.value);
    show("waiting");
    send(body, Date.now()).then(function (answer) {
      if (!answer.ok) {
        field("error", answer.data.message || form.getAttribute("data-failed") || "");
        show("failed");
        return;
      }
      var ticket = answer.data;
      field("label", ticket.label);
      field("service", ticket.service);
      field("ahead", String(ticket.ahead));
      show("done");
      frame.src = ticket.ticket_url + "?in=1";
      var shown = ticket.ticket_url;
      setTimeout(function () { if (busy && frame.src.indexOf(shown) !== -1) { reset(); } }, SHOW_MS);
    }).catch(function () {
      field("error", form.getAttribute("data-offline") || "");
      show("failed");
    });
  });

  result.querySelectorAll(".kiosk-close").forEach(function (button) {
    button.addEventListener("click", reset);
  });
  keyInput.value = newKey();

  // Pick up changes of the service areas every half hour, only when the server answers (a
  // reload while it is down would leave the kiosk on the browser's error page).
  setInterval(function () {
    if (busy) { return; }
    fetch(window.location.href, { method: "HEAD", cache: "no-store" }).then(function (response) {
      if (response.ok && !busy) { window.location.reload(); }
    }).catch(function () {});
  }, 30 * 60 * 1000);
})();
