// Wegweiser: small progressive enhancements (no inline scripts; strict CSP).
document.addEventListener("DOMContentLoaded", function () {
  // Show the interpreter language only when an interpreter is used/needed.
  document.querySelectorAll("[data-toggles]").forEach(function (box) {
    var target = document.getElementById(box.getAttribute("data-toggles"));
    if (!target) return;
    var wrapper = target.closest(".kern-form-input") || target;
    var update = function () { wrapper.hidden = !box.checked; };
    box.addEventListener("change", update);
    update();
  });
  // Buttons that ask before doing something irreversible.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
});
