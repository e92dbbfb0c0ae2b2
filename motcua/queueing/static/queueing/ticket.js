/* Fit the printed page to the ticket (a thermal roll has no fixed page length), print it when
   the kiosk asks (?in=1), and go back to the kiosk when it was opened without the kiosk's
   script. */
(function () {
  "use strict";
  var ticket = document.querySelector(".ticket");
  if (ticket) {
    var heightMm = Math.ceil(ticket.getBoundingClientRect().height * 25.4 / 96) + 2;
    // Added to the page's own stylesheet: the Content-Security-Policy allows no <style> element.
    var rule = "@page { size: 80mm " + heightMm + "mm; margin: 0; }";
    var sheets = document.styleSheets;
    for (var i = sheets.length - 1; i >= 0; i--) {
      if (/ticket[^/]*\.css/.test(sheets[i].href || "")) {
        try { sheets[i].insertRule(rule, sheets[i].cssRules.length); } catch (e) { /* printer default */ }
        break;
      }
    }
  }
  var body = document.body;
  function done() {
    var back = body.getAttribute("data-back-url");
    if (back) { setTimeout(function () { window.location.href = back; }, 8000); }
  }
  if (body.hasAttribute("data-autoprint")) {
    window.addEventListener("load", function () {
      window.print();
      done();
    });
  }
})();
