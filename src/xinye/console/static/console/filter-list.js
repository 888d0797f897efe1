// A checklist filtered by typing: <input type="search" data-filter-for="ID"> hides the labels of #ID whose
// data-name does not contain what was typed. Used by 派单至 (appeals) and 培养联系人/入党介绍人 (members):
// long lists of units or members that a Ctrl-click multi-select made unusable. No inline script (CSP).
(function () {
  function bind(box) {
    var list = document.getElementById(box.dataset.filterFor);
    if (!list) return;
    box.addEventListener("input", function () {
      var q = box.value.trim();
      list.querySelectorAll("label[data-name]").forEach(function (label) {
        label.style.display = !q || label.dataset.name.indexOf(q) >= 0 ? "" : "none";
      });
    });
  }
  function init() { document.querySelectorAll("[data-filter-for]").forEach(bind); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
