// Registrar: a live word count under the motivation field. The form works without it; the
// server counts the words again.
(function () {
  "use strict";
  function words(text) {
    var m = text.match(/[\p{L}\p{N}'’-]+/gu);
    return m ? m.length : 0;
  }
  document.querySelectorAll("textarea[data-word-limit]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-word-limit"), 10);
    var out = document.getElementById(area.id + "-count");
    if (!out) { return; }
    var template = out.getAttribute("data-template");
    function update() {
      var n = words(area.value);
      out.textContent = template.replace("{count}", n).replace("{max}", limit);
      out.classList.toggle("over-limit", n > limit);
    }
    out.hidden = false;
    area.addEventListener("input", update);
    update();
  });
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
