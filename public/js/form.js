// Registrar: a live word count under the motivation field, and the save-for-later button shown
// once an email address is typed. The form works without it; the server checks both again.
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
  // "Save and continue later" emails a link, so it shows once there is an address to send it to.
  document.querySelectorAll("[data-needs-email]").forEach(function (button) {
    var email = button.form && button.form.elements.namedItem("email");
    var block = button.closest(".save-later") || button;
    if (!email) { return; }
    function update() { block.hidden = email.value.trim() === ""; }
    email.addEventListener("input", update);
    update();
  });
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
