// Small helpers for the operators' pages: accept suggestions, cite knowledge, keyboard shortcuts, bulk selection.
(function () {
  "use strict";

  function setField(name, value) {
    var field = document.getElementById(name);
    if (!field) return;
    field.value = value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
    field.classList.remove("filled");
    void field.offsetWidth;
    field.classList.add("filled");
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-fill],[data-accept-all],[data-cite],[data-duplicate],[data-check-all]");
    if (!target) return;
    if (target.dataset.fill) {
      setField(target.dataset.fill, target.dataset.value);
    } else if (target.dataset.acceptAll) {
      var fields = JSON.parse(target.dataset.acceptAll);
      Object.keys(fields).forEach(function (name) { setField(name, fields[name]); });
    } else if (target.dataset.cite) {
      setField("answer_note", target.dataset.text);
      setField("ref", target.dataset.cite);
      var note = document.getElementById("ref-note");
      if (note) note.textContent = "引用：" + target.dataset.title + "（" + target.dataset.cite + "）";
      var type = document.getElementById("request_type");
      if (type && !type.value) setField("request_type", "consult");
    } else if (target.dataset.duplicate) {
      setField("duplicate_of_id", target.dataset.duplicate);
      target.textContent = "已标记为 " + target.dataset.number + " 的重复件";
    } else if (target.dataset.checkAll !== undefined) {
      var on = target.checked;
      document.querySelectorAll("input[name='" + target.dataset.checkAll + "']").forEach(function (box) { box.checked = on; });
    }
  });

  document.addEventListener("keydown", function (event) {
    var form = document.getElementById("intake-form");
    if (form && event.ctrlKey && event.key === "Enter") {
      event.preventDefault();
      form.requestSubmit(document.getElementById("btn-save"));
    } else if (form && event.altKey && (event.key === "a" || event.key === "A")) {
      var all = document.getElementById("accept-all");
      if (all) { event.preventDefault(); all.click(); }
    } else if (event.altKey && (event.key === "k" || event.key === "K")) {
      var first = document.querySelector("#knowledge [data-cite]") || document.getElementById("kb-q");
      if (first) { event.preventDefault(); first.focus(); }
    }
  });

  // Confirm destructive one-click actions described by data-confirm.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
