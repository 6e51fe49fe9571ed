// Activity report form: show only the counted outputs that fit the chosen kind.
// Each output's wrapper lists its kinds in data-output-kinds (plans/forms.py). Without this
// script every output stays visible and the server ignores those that do not fit.
(function () {
  "use strict";
  var select = document.getElementById("id_kind");
  var wrappers = document.querySelectorAll("[data-output-kinds]");
  var fieldset = document.getElementById("activity-outputs");
  if (!select || wrappers.length === 0) {
    return;
  }
  function update() {
    var kind = select.value;
    var shown = 0;
    wrappers.forEach(function (wrapper) {
      var fits = kind === "" || wrapper.dataset.outputKinds.split(" ").indexOf(kind) !== -1;
      wrapper.hidden = !fits;
      if (fits) {
        shown += 1;
      }
    });
    if (fieldset) {
      fieldset.hidden = shown === 0;
    }
  }
  select.addEventListener("change", update);
  update();
})();
