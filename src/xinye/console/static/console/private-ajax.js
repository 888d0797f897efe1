/* The console's autocomplete pickers (select2) send what is typed in a POST body, not in the URL: a name typed
   to find a practitioner or member would otherwise land in the address, the access logs and the Referer
   (issue 18 item 8; console/search.py does the same for list searches). jQuery's prefilter runs before the
   request is built, so the picker's parameters become the body; the CSRF token comes from the page's form.
   Loaded in every console page's head (UNFOLD["SCRIPTS"]), before the form's media: hence the ready event. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var $ = window.django && window.django.jQuery;
    if (!$) { return; }
    $.ajaxPrefilter(function (options, original, xhr) {
      if (!options.url || options.url.indexOf("/admin/autocomplete/") === -1) { return; }
      var token = document.querySelector("input[name=csrfmiddlewaretoken]");
      if (!token) { return; }  // no form on the page: the picker stays a GET
      options.type = "POST";
      xhr.setRequestHeader("X-CSRFToken", token.value);
    });
  });
})();
