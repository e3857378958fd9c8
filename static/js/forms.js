// Forms and keys of every page, without inline script (the Content-Security-Policy refuses it).
(function () {
  // A select marked data-submit-on-change sends its form when a value is chosen.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-submit-on-change]")) event.target.form.requestSubmit();
  });

  // A form that writes is sent once: a second click (or Enter) while the first is on
  // its way is ignored, and its buttons are disabled. The server refuses a second
  // record too (qms.idempotency); this spares the user the second round trip.
  // htmx forms are left alone: htmx sends them and the page stays.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.method !== "post" || form.hasAttribute("hx-post")) return;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "true";
    // After the browser has read the form: a disabled button would not be sent, and
    // some forms tell their actions apart by the button clicked.
    setTimeout(function () {
      for (const element of form.elements) {
        if (element.type === "submit") element.disabled = true;
      }
    });
  });

  // A link marked aria-keyshortcuts="Alt+N" opens with Alt and that letter from any
  // page, the menu folded away or not (the physical key: also under a Vietnamese input
  // method). Not an accesskey, whose modifiers differ from browser to browser.
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (!/^Key[A-Z]$/.test(event.code)) return;
    const link = document.querySelector(`a[aria-keyshortcuts="Alt+${event.code.slice(3)}"]`);
    if (!link) return;
    event.preventDefault();
    link.click();
  });

  // Back to a page kept in the browser's memory: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    for (const form of document.querySelectorAll("form[data-sent]")) {
      delete form.dataset.sent;
      for (const element of form.elements) {
        if (element.type === "submit") element.disabled = false;
      }
    }
  });
})();
