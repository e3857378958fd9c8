// The receipt form's procedure field: an ARIA combobox whose list (the first match
// highlighted) comes from the server, which reads what was typed by the very rule that
// resolves the form (procedures.forms.procedure_matches): code or name, any case, with
// or without Vietnamese marks. ArrowDown/ArrowUp move through the list; Enter picks the
// highlighted match (the first one, once the list has come) and never sends the form;
// Escape closes the list. Picking a procedure fills the documents received with its
// list, unless the officer has already typed something else there.
(function () {
  const PAUSE_MS = 120;
  const input = document.getElementById("id_procedure");
  const list = document.getElementById("procedure-matches");
  const documents = document.getElementById("id_documents");
  if (!input || !list || !documents) return;
  let filled = documents.value;
  let active = -1;
  let waiting = null; // the pause after a key, before the request: one per word typed
  let asking = null; // the AbortController of the request on its way
  let pickOnArrival = false; // Enter was pressed before the list came

  const options = () => Array.from(list.querySelectorAll('[role="option"]'));

  function highlight(index) {
    const all = options();
    active = all.length ? (index + all.length) % all.length : -1;
    all.forEach(function (option, position) {
      option.setAttribute("aria-selected", String(position === active));
      option.classList.toggle("active", position === active);
    });
    if (active < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    highlight(-1);
  }

  function note(text) {
    const item = document.createElement("li");
    item.className = "list-group-item small text-body-secondary";
    item.textContent = text;
    return item;
  }

  function pick(option) {
    input.value = option.textContent;
    close();
    if (documents.value !== filled) return;
    documents.value = option.dataset.documents;
    filled = documents.value;
  }

  function show(data) {
    list.replaceChildren(
      ...data.matches.map(function (match, position) {
        const option = document.createElement("li");
        option.id = `procedure-match-${position}`;
        option.setAttribute("role", "option");
        option.className = "list-group-item list-group-item-action";
        option.textContent = match.value;
        option.dataset.documents = match.documents;
        return option;
      })
    );
    if (!data.matches.length) list.append(note(list.dataset.none));
    if (data.more) list.append(note(list.dataset.more));
    if (pickOnArrival) {
      pickOnArrival = false;
      if (data.matches.length) pick(options()[0]);
      return;
    }
    if (document.activeElement !== input) return;
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(0);
  }

  function ask() {
    clearTimeout(waiting);
    waiting = null;
    if (asking) asking.abort();
    if (!input.value.trim()) {
      asking = null;
      pickOnArrival = false;
      close();
      return;
    }
    const controller = new AbortController();
    asking = controller;
    fetch(`${input.dataset.matches}?q=${encodeURIComponent(input.value)}`, {
      signal: controller.signal,
      headers: { Accept: "application/json" },
    })
      .then((response) => (response.ok ? response.json() : { matches: [] }))
      .then(function (data) {
        if (asking !== controller) return;
        asking = null;
        show(data);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") close();
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(waiting);
    waiting = setTimeout(ask, PAUSE_MS);
  });
  input.addEventListener("blur", close);
  input.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) ask();
      else highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (waiting || asking) pickOnArrival = true;
      else if (!list.hidden && active >= 0) pick(options()[active]);
      else if (input.value.trim()) {
        pickOnArrival = true;
        ask();
      }
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  // the mouse: a click picks, without taking the focus from the field first
  list.addEventListener("mousedown", (event) => event.preventDefault());
  list.addEventListener("click", function (event) {
    const option = event.target.closest('[role="option"]');
    if (option) pick(option);
  });
})();
