/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) {
      select.form.submit();
    }
  });

  // 关怀版 read-aloud (适老化): the browser's own speech synthesis, so it works offline; off until
  // the reader presses the button, then remembered on this device until pressed again.
  var toggle = document.querySelector("[data-read-aloud]");
  var speech = window.speechSynthesis;
  if (!toggle || !speech || typeof window.SpeechSynthesisUtterance !== "function") {
    return;
  }
  var KEY = "portal.readAloud";
  var lang = document.documentElement.lang === "zh-Hant" ? "zh-TW" : "zh-CN";

  function remembered() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function remember(on) {
    try {
      if (on) { window.localStorage.setItem(KEY, "1"); } else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* private mode: the setting lasts for this page only */ }
  }
  function say(text) {
    text = (text || "").replace(/\s+/g, " ").trim();
    if (!text) { return; }
    speech.cancel();
    var utterance = new window.SpeechSynthesisUtterance(text.slice(0, 4000));
    utterance.lang = lang;
    utterance.rate = 0.9;
    speech.speak(utterance);
  }
  function spokenText(el) {
    if (el === toggle) { return toggle.getAttribute("aria-pressed") === "true" ? toggle.textContent + "，已开启" : toggle.textContent; }
    var labelled = el.getAttribute("aria-labelledby");
    if (labelled) {
      return labelled.split(/\s+/).map(function (id) {
        var target = document.getElementById(id);
        return target ? target.textContent : "";
      }).join(" ");
    }
    var label = el.getAttribute("aria-label");
    if (label) { return label; }
    if (el.labels && el.labels.length) { return el.labels[0].textContent + " " + (el.value || el.placeholder || ""); }
    return el.innerText || el.value || el.title || "";
  }
  function on() { return toggle.getAttribute("aria-pressed") === "true"; }
  function set(state) {
    toggle.setAttribute("aria-pressed", state ? "true" : "false");
    remember(state);
  }

  toggle.disabled = false;
  if (remembered()) { set(true); }
  toggle.addEventListener("click", function () {
    set(!on());
    if (on()) {
      var main = document.getElementById("main");
      say(main ? main.innerText : document.body.innerText);
    } else {
      speech.cancel();
    }
  });
  // The element under focus is read out while read-aloud is on.
  document.addEventListener("focusin", function (event) {
    if (on() && event.target !== toggle) { say(spokenText(event.target)); }
  });
  window.addEventListener("pagehide", function () { speech.cancel(); });
})();
