/* The console's small page behaviours, as a file: the content security policy allows no inline script
   (issue 18 item 9), so pages mark elements with data attributes and this file gives them their behaviour. */
(function () {
  "use strict";
  function each(selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); }
  function ready() {
    // a search box filtering a list of labelled checkboxes (办理 page: 派单至)
    each("[data-filter-for]", function (box) {
      var list = document.getElementById(box.dataset.filterFor);
      if (!list) { return; }
      box.addEventListener("input", function () {
        var q = box.value.trim();
        each("#" + list.id + " label[data-name]", function (l) {
          l.style.display = !q || l.dataset.name.indexOf(q) >= 0 ? "" : "none";
        });
      });
    });
    // a select that submits its form when changed
    each("select[data-autosubmit]", function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    // a button that prints the page
    each("[data-print]", function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    // a form posted to the address chosen in one of its fields
    each("form[data-action-from]", function (form) {
      form.addEventListener("submit", function () { form.action = form.elements[form.dataset.actionFrom].value; });
    });
    // a page that moves on by itself once loaded (the import's progress page)
    each("[data-go]", function (el) { window.location.replace(el.dataset.go); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
