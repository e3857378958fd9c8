// The receipt form: picking a procedure fills the documents received with the
// procedure's list, unless the officer has already typed something else there.
(function () {
  const procedure = document.getElementById("id_procedure");
  const documents = document.getElementById("id_documents");
  if (!procedure || !documents) return;
  let filled = documents.value;
  procedure.addEventListener("change", function () {
    const option = Array.from(document.querySelectorAll("#procedure-options option")).find(
      (candidate) => candidate.value === procedure.value
    );
    if (!option || documents.value !== filled) return;
    documents.value = option.dataset.documents;
    filled = documents.value;
  });
})();
