// Site-wide progressive enhancement; every page works without it.
//
// A form with data-confirm asks before it is sent, in the site's <dialog>:
//   data-confirm="Cancel this request?"        the question
//   data-confirm-detail="Cancellation fee: …"  an extra line (a fee), optional
//   data-confirm-yes="Cancel request"           the button's label, optional
(function () {
  "use strict";
  function ask(form, submitter) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") return true;
    document.getElementById("confirm-message").textContent = form.dataset.confirm;
    var detail = document.getElementById("confirm-detail");
    detail.textContent = form.dataset.confirmDetail || "";
    detail.hidden = !form.dataset.confirmDetail;
    var yes = document.getElementById("confirm-yes");
    yes.textContent = form.dataset.confirmYes || yes.dataset.defaultLabel || yes.textContent;
    yes.dataset.defaultLabel = yes.dataset.defaultLabel || "Yes, go ahead";
    dialog.returnValue = "";
    dialog.addEventListener("close", function onClose() {
      dialog.removeEventListener("close", onClose);
      if (dialog.returnValue === "yes") {
        form.dataset.confirmed = "yes";
        if (submitter && form.requestSubmit) form.requestSubmit(submitter); else form.submit();
      }
    });
    dialog.showModal();
    return false;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.confirm) return;
    if (form.dataset.confirmed === "yes") { delete form.dataset.confirmed; return; }
    if (!ask(form, event.submitter)) event.preventDefault();
  });
})();

// The language switcher changes the language as soon as one is picked (its button is for pages
// without JavaScript).
document.addEventListener("change", function (event) {
  if (event.target.matches && event.target.matches(".language-switcher select")) event.target.form.submit();
});
