// Registrar: a long application form is never lost. As one types, a copy of what is filled in
// (never a file, never the hidden fields such as the CSRF token) is kept in this browser's
// localStorage, one per edition's form; opened again, the form offers it back rather than
// overwriting what the page shows. Sending goes through fetch, so that a send made offline, or
// cut off by a dropped connection, leaves the page as it is, files included, says so, and goes
// again once the connection is back. The server stores a form once per submission key, so a
// send repeated after a lost answer makes no second application. A form whose page expired (sent
// a day later, say) comes back with a fresh token and goes once more with it. An answer that is
// not the form (a file too large) is said on the page, which keeps the form as it is. The page
// after sending removes the copy. Without this script the form works as before.
(function () {
  "use strict";
  var prefix = "registrar.form-copy:";
  var maxAge = 30 * 24 * 3600 * 1000; // an abandoned copy does not stay forever on a shared computer

  // The browser may refuse storage (its settings, a full disk): the form then keeps no copy but
  // still sends as below.
  var store = null;
  try { store = window.localStorage; } catch (e) { /* refused */ }
  function get(k) {
    try { return store ? store.getItem(k) : null; } catch (e) { return null; }
  }
  function put(k, v) {
    try { if (store) { store.setItem(k, v); } } catch (e) { /* full or refused */ }
  }
  function drop(k) {
    try { if (store) { store.removeItem(k); } } catch (e) { /* refused */ }
  }

  var clear = document.querySelector("[data-form-keep-clear]");
  if (clear) { drop(prefix + clear.getAttribute("data-form-keep-clear")); }

  var form = document.querySelector("form[data-form-keep]");
  if (!form) { return; }
  var key = prefix + form.getAttribute("data-form-keep");
  var offer = document.getElementById("keep-offer");
  var done = document.getElementById("keep-done");
  var status = document.getElementById("keep-status");
  var sendButton = form.querySelector("[data-form-keep-send]");

  // kept tells the fields the copy holds: what the applicant fills in, not files, not hidden
  // fields (CSRF token, submission key, kept files' claims), not the honeypot.
  function kept(el) {
    if (!el.name || el.disabled) { return false; }
    if (/^(file|hidden|submit|button|reset|image|password)$/.test(el.type)) { return false; }
    return !el.closest("[aria-hidden=true]");
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, kept);
  }

  function snapshot() {
    var values = {};
    fields().forEach(function (el) {
      var list = values[el.name] || (values[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { list.push(el.value); }
      } else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { list.push(o.value); });
      } else {
        list.push(el.value);
      }
    });
    return values;
  }

  function fill(values) {
    var seen = {};
    fields().forEach(function (el) {
      var list = values[el.name];
      if (!list) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = list.indexOf(el.value) >= 0;
      } else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = list.indexOf(o.value) >= 0; });
      } else {
        var i = seen[el.name] || 0;
        seen[el.name] = i + 1;
        el.value = list[i] || "";
      }
      // The word count and anything else listening follow the restored value.
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function filledIn(values) {
    return Object.keys(values).some(function (name) {
      return values[name].some(function (v) { return v.trim() !== ""; });
    });
  }

  // same tells whether the page shows what the copy holds already (the form sent back with its
  // errors, say): then there is nothing to offer.
  function same(a, b) {
    var norm = function (list) { return (list || []).map(function (v) { return v.trim(); }).join("\u0000"); };
    return Object.keys(a).concat(Object.keys(b)).every(function (name) { return norm(a[name]) === norm(b[name]); });
  }

  function read() {
    try {
      var copy = JSON.parse(get(key));
      if (copy && copy.values && Date.now() - copy.at < maxAge) { return copy; }
    } catch (e) { /* not ours or damaged: treated as none */ }
    drop(key);
    return null;
  }

  var saving = true; // off while the offer waits for an answer, and once the form is stored
  var timer = null;
  function save() {
    clearTimeout(timer);
    timer = null;
    if (!saving) { return; }
    var values = snapshot();
    if (filledIn(values)) { put(key, JSON.stringify({ at: Date.now(), values: values })); }
  }
  function saveSoon() {
    if (timer === null) { timer = setTimeout(save, 400); }
  }
  form.addEventListener("input", saveSoon);
  form.addEventListener("change", saveSoon);
  window.addEventListener("pagehide", save);

  // say puts a message into a live region, as a new paragraph so that it is read out.
  function say(region, message) {
    region.textContent = "";
    if (!message) { return; }
    var p = document.createElement("p");
    p.className = "notice";
    p.textContent = message;
    region.appendChild(p);
  }

  var copy = read();
  if (copy && offer && filledIn(copy.values) && !same(copy.values, snapshot())) {
    saving = false;
    offer.hidden = false;
    if (!document.querySelector(".error-summary")) { offer.focus(); }
    offer.addEventListener("click", function (ev) {
      var choice = ev.target.closest("[data-keep]");
      if (!choice) { return; }
      if (choice.getAttribute("data-keep") === "restore") {
        fill(copy.values);
        say(done, done.getAttribute("data-restored"));
      } else {
        drop(key);
        say(done, done.getAttribute("data-discarded"));
      }
      offer.hidden = true;
      saving = true;
      save();
      done.focus();
    });
  }

  // Sending. Only the form's own send button is taken over; another button of the form (one
  // that saves a draft, say) submits as the browser does.
  if (!sendButton || !window.fetch || !window.FormData) { return; }
  var sending = null; // the AbortController of the send under way
  var waiting = false; // a send was asked for and has not reached the server
  var retry = null;
  var pause = 5000;

  // send sends the form; renewed says it goes again with the fresh token the server gave it.
  function send(renewed) {
    clearTimeout(retry);
    retry = null;
    if (sending) { return; } // a second click while the first send is under way
    save();
    waiting = true;
    if (navigator.onLine === false) {
      say(status, status.getAttribute("data-offline"));
      return;
    }
    say(status, status.getAttribute("data-sending"));
    sendButton.setAttribute("aria-busy", "true");
    sendButton.disabled = true;
    var controller = new AbortController();
    sending = controller;
    // No time limit: a CV on a slow link may take minutes, and a send cut short would have to
    // begin again. A link that drops fails the request, or the browser says it went offline.
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", signal: controller.signal })
      .then(function (resp) {
        if (resp.redirected && resp.ok) {
          // Stored: the page after sending, which removes the copy (removed here too, should
          // that page not load).
          sending = null;
          waiting = false;
          saving = false;
          drop(key);
          window.location.replace(resp.url);
          return;
        }
        return resp.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var answer = page.querySelector("form[data-form-keep]");
          sending = null;
          if (!answer) {
            // Not the form (a file too large, too many forms, the call closed): said here, the
            // form kept as it is to be changed; sent again as it was, it would carry its files
            // once more for the same answer.
            if (tell(page)) { return; }
          } else if (resp.status === 403 && !renewed && renewToken(answer)) {
            // The page had expired (opened more than six hours ago, or sent after a day
            // offline): refused, the form came back with a fresh token, and goes once more.
            send(true);
            return;
          }
          // The form's errors are shown as the browser shows them, by sending the form the
          // usual way; its submission key keeps that from storing it twice. The files the
          // server kept with the errors go by their claims, not a second time.
          if (answer) { claimKeptFiles(answer); }
          waiting = false;
          saving = false;
          form.submit();
        });
      }).catch(function () {
        sending = null;
        sendButton.disabled = false;
        sendButton.removeAttribute("aria-busy");
        if (navigator.onLine === false) {
          say(status, status.getAttribute("data-offline"));
          return;
        }
        // Online as far as the browser knows, yet the send failed: try again, less often each time.
        say(status, status.getAttribute("data-failed"));
        retry = setTimeout(function () { send(false); }, pause);
        pause = Math.min(pause * 2, 60000);
      });
  }

  // tell says in the form's status region what the server's page answered (its heading and
  // message), and gives the send button back; false when that page says nothing to show.
  function tell(page) {
    var said = page.querySelector("#main hgroup p") || page.querySelector("#main h1");
    var text = said ? said.textContent.replace(/\s+/g, " ").trim() : "";
    if (!text) { return false; }
    waiting = false;
    sendButton.disabled = false;
    sendButton.removeAttribute("aria-busy");
    say(status, text);
    return true;
  }

  // renewToken takes the fresh token from the form the server sent back, when it differs from
  // the one the form was sent with.
  function renewToken(answer) {
    var fresh = answer.querySelector("input[name=_csrf]");
    var mine = form.querySelector("input[name=_csrf]");
    if (!fresh || !mine || !fresh.value || fresh.value === mine.value) { return false; }
    mine.value = fresh.value;
    return true;
  }

  // claimKeptFiles takes from the form the server sent back the claims of the files it kept
  // (hidden "<field>_claim" inputs) and empties those file fields, as that form is.
  function claimKeptFiles(answer) {
    Array.prototype.forEach.call(answer.querySelectorAll("input[type=hidden]"), function (claim) {
      var field = claim.name.replace(/_claim$/, "");
      if (field === claim.name) { return; }
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.type === "file" && el.name === field) { el.value = ""; }
      });
      var mine = Array.prototype.filter.call(form.elements, function (el) { return el.name === claim.name; })[0];
      if (!mine) {
        mine = document.createElement("input");
        mine.type = "hidden";
        mine.name = claim.name;
        form.appendChild(mine);
      }
      mine.value = claim.value;
    });
  }

  form.addEventListener("submit", function (ev) {
    if (ev.submitter !== sendButton) { return; }
    ev.preventDefault();
    send(false);
  });
  window.addEventListener("online", function () {
    if (waiting) {
      pause = 5000;
      send(false);
    }
  });
  window.addEventListener("offline", function () {
    if (sending) { sending.abort(); } // fails the send at once: it is said and waits for "online"
  });
})();
