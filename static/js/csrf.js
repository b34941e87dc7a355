// Every form and background save sends the CSRF token of the browser's cookie, read when
// it is sent, not the one written into the page when it was drawn. Signing in again in
// another tab renews the token (Django rotates it at log-in), so a page opened before that
// was refused as forged, and the advice its save status gives ("sign in again in another
// tab, then press Save") lost the text. The cookie is Django's (CSRF_COOKIE_NAME, left at
// "csrftoken"); a page of another site cannot read it, which is what the token proves.
(function () {
  "use strict";
  function cookieToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // A background save sends the form's fields too, and Django reads the form's token
  // before the header: both are renewed.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = cookieToken();
    if (!token) return;
    event.detail.headers["X-CSRFToken"] = token;
    var form = event.detail.elt.closest && event.detail.elt.closest("form");
    if (form && form.querySelector('input[name="csrfmiddlewaretoken"]')) {
      event.detail.parameters["csrfmiddlewaretoken"] = token;
    }
  });

  // Capture: before the draft's own submit handler (autosave.js), and before sending. The
  // form also says who the page was drawn for (the layout's data-person): the portal
  // refuses it when someone else signed in since, which the renewed token no longer tells.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var field = form.querySelector && form.querySelector('input[name="csrfmiddlewaretoken"]');
      if (!field) return;
      var token = cookieToken();
      if (token) field.value = token;
      var person = document.body.dataset.person;
      if (!person) return;
      var drawn = form.querySelector('input[name="portal-person"]');
      if (!drawn) {
        drawn = document.createElement("input");
        drawn.type = "hidden";
        drawn.name = "portal-person";
        form.appendChild(drawn);
      }
      drawn.value = person;
    },
    true
  );
})();
