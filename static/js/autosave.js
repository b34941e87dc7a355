// A draft's step form saves itself through htmx (on change, and after typing stops) and
// has Save buttons that send the whole form. The two never reach the server together:
// htmx queues its own saves (hx-sync on the form), a Save pressed while a save is under
// way waits for its answer (which also brings the draft's new version), and once the form
// is sent no autosave leaves the page.
(function () {
  "use strict";
  // A save that never answers does not hold the button for longer than this (ms).
  var WAIT_AT_MOST = 15000;

  function draftForm(element) {
    return element && element.closest ? element.closest("form[data-autosave]") : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = draftForm(event.detail.elt);
    if (!form) return;
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.saving = "true";
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = draftForm(event.detail.elt);
    if (!form || !form.dataset.saving) return;
    delete form.dataset.saving;
    form.dispatchEvent(new CustomEvent("autosave:done"));
  });

  // A save the server did not keep because the person is signed out, or the page is older
  // than their last sign-in (portal.middleware.unsaved): htmx swaps no error answer, so its
  // text goes in the form's save status, as text.
  document.addEventListener("htmx:responseError", function (event) {
    var form = draftForm(event.detail.elt);
    var xhr = event.detail.xhr;
    if (!form || !xhr || !xhr.getResponseHeader("X-Portal-Unsaved")) return;
    var status = form.querySelector("#save-status");
    if (status) status.textContent = xhr.responseText;
  });

  document.addEventListener("submit", function (event) {
    var form = draftForm(event.target);
    if (!form || event.defaultPrevented) return;
    if (form.dataset.saving || form.dataset.waiting) {
      event.preventDefault();
      if (form.dataset.waiting) return;
      form.dataset.waiting = "true";
      var submitter = event.submitter;
      var timer = null;
      var send = function () {
        clearTimeout(timer);
        form.removeEventListener("autosave:done", send);
        delete form.dataset.waiting;
        delete form.dataset.saving;
        if (submitter) form.requestSubmit(submitter);
        else form.requestSubmit();
      };
      form.addEventListener("autosave:done", send);
      timer = setTimeout(send, WAIT_AT_MOST);
      return;
    }
    form.dataset.sending = "true";
  });

  // Back to a page kept by the browser's cache: it saves itself again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      delete form.dataset.sending;
      delete form.dataset.saving;
      delete form.dataset.waiting;
    });
  });
})();
