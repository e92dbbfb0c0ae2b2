/* The display board. The server's event stream says when something changed; the board then
   reads its whole content again (also on every (re)connect and every few seconds), so after a
   network drop or a server restart nothing is lost. New calls are found by their event id: the
   last one announced is kept in localStorage, so a reconnect or a reload never announces a call
   twice, and a call made while the board was offline is announced when it comes back. */
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) { return; }
  var content = document.getElementById("board-content");
  var callout = root.querySelector("[data-callout]");
  var calloutText = root.querySelector("[data-callout-text]");
  var linkState = root.querySelector("[data-link]");
  var soundButton = root.querySelector("[data-sound]");
  var stateUrl = root.getAttribute("data-state-url");
  var streamUrl = root.getAttribute("data-stream-url");
  var refreshMs = (parseInt(root.getAttribute("data-refresh"), 10) || 30) * 1000;
  var storeKey = "motcua-board-last-call:" + root.getAttribute("data-desk");
  var RECENT_MS = 3 * 60 * 1000;  // a call older than this is shown, not announced
  var lastAnnounced = readLast();  // null: this screen has never shown this desk's board
  var loading = false;
  var again = false;
  var queue = [];
  var speaking = false;
  var announced = 0;  // calls announced since the page was opened (data-announced)

  function readLast() {
    try {
      var stored = window.localStorage.getItem(storeKey);
      return stored === null ? null : parseInt(stored, 10) || 0;
    } catch (e) { return null; }
  }
  function writeLast(id) {
    try { window.localStorage.setItem(storeKey, String(id)); } catch (e) { /* private mode */ }
  }

  function vietnameseVoice() {
    if (!("speechSynthesis" in window)) { return null; }
    var voices = window.speechSynthesis.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if ((voices[i].lang || "").toLowerCase().indexOf("vi") === 0) { return voices[i]; }
    }
    return null;
  }

  // One call at a time: the highlight and, when the browser has a Vietnamese voice, the voice.
  // Without one nothing is played (recorded clips are future work); the highlight stays.
  function next() {
    if (speaking || !queue.length) { return; }
    speaking = true;
    var call = queue.shift();
    calloutText.textContent = call.text;
    callout.hidden = false;
    var rows = content.querySelectorAll("[data-counter='" + call.counter + "']");
    rows.forEach(function (row) { row.classList.add("is-new"); });
    var finished = false;
    function finish() {
      if (finished) { return; }
      finished = true;
      callout.hidden = true;
      speaking = false;
      next();
    }
    var voice = vietnameseVoice();
    if (voice) {
      var utterance = new SpeechSynthesisUtterance(call.speech);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.rate = 0.9;
      utterance.onend = function () { setTimeout(finish, 1500); };
      utterance.onerror = function () { setTimeout(finish, 4000); };
      window.speechSynthesis.speak(utterance);
      setTimeout(finish, 15000);
    } else {
      setTimeout(finish, 5000);
    }
  }

  function announce() {
    var items = Array.prototype.slice.call(content.querySelectorAll("[data-call-id]"));
    var calls = items.map(function (el) {
      return {
        id: parseInt(el.getAttribute("data-call-id"), 10),
        at: Date.parse(el.querySelector("time").getAttribute("datetime")),
        text: el.getAttribute("data-text"),
        speech: el.getAttribute("data-speech"),
        counter: el.getAttribute("data-counter"),
      };
    }).sort(function (a, b) { return a.id - b.id; });
    var newest = calls.length ? calls[calls.length - 1].id : 0;
    if (lastAnnounced === null || newest < lastAnnounced) {
      // A board seen for the first time (or a database restored from a backup) shows what is
      // there and announces from now on.
      lastAnnounced = newest;
      writeLast(newest);
      return;
    }
    calls.forEach(function (call) {
      if (call.id > lastAnnounced && Date.now() - call.at < RECENT_MS) {
        queue.push(call);
        announced += 1;
        root.setAttribute("data-announced", String(announced));
      }
    });
    if (newest > lastAnnounced) {
      lastAnnounced = newest;
      writeLast(newest);
    }
    next();
  }

  function refresh() {
    if (loading) { again = true; return; }
    loading = true;
    fetch(stateUrl, { cache: "no-store", credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error("board " + response.status); }
      return response.text();
    }).then(function (html) {
      content.innerHTML = html;
      announce();
    }).catch(function () {
      linkState.hidden = false;
    }).then(function () {
      loading = false;
      if (again) { again = false; refresh(); }
    });
  }

  var shownVersion = null;
  function connect() {
    if (!window.EventSource) { return; }
    var source = new EventSource(streamUrl);
    source.addEventListener("open", function () {
      linkState.hidden = true;
      refresh();
    });
    source.addEventListener("board", function (event) {
      if (event.data !== shownVersion) {
        shownVersion = event.data;
        refresh();
      }
    });
    source.addEventListener("error", function () {
      linkState.hidden = false;
      // A proxy's error page closes the stream for good; the browser retries by itself only
      // after a dropped connection.
      if (source.readyState === EventSource.CLOSED) { setTimeout(connect, 3000); }
    });
  }

  // The office's time whatever zone the screen's player is set to.
  var clockFormat = null;
  try {
    clockFormat = new Intl.DateTimeFormat("vi-VN", {
      hour: "2-digit", minute: "2-digit", hour12: false,
      timeZone: root.getAttribute("data-time-zone") || undefined,
    });
  } catch (e) { clockFormat = null; }
  function tick() {
    var now = new Date();
    root.querySelector("[data-clock]").textContent = clockFormat
      ? clockFormat.format(now)
      : ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
  }

  soundButton.addEventListener("click", function () {
    // Browsers let a page speak only after someone has interacted with it once.
    if ("speechSynthesis" in window) {
      window.speechSynthesis.speak(new SpeechSynthesisUtterance(""));
    }
    soundButton.hidden = true;
  });
  if ("speechSynthesis" in window) { window.speechSynthesis.getVoices(); }

  announce();
  connect();
  setInterval(refresh, refreshMs);
  setInterval(tick, 1000);
  tick();
})();
