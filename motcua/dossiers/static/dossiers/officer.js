// Progressive enhancements of the officers' pages; every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Intake: show which required documents are still missing (they go into form 02).
  var preview = document.getElementById("missing-preview");
  if (preview) {
    var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-document]"));
    var list = preview.querySelector("ul");
    var refresh = function () {
      list.textContent = "";
      boxes.forEach(function (box) {
        if (box.hasAttribute("data-required") && !box.checked) {
          var item = document.createElement("li");
          item.textContent = box.getAttribute("data-document");
          list.appendChild(item);
        }
      });
      preview.hidden = list.children.length === 0;
    };
    boxes.forEach(function (box) { box.addEventListener("change", refresh); });
    refresh();
  }
});
