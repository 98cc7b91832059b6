// Salon Lumière front-end: greets the visitor and checks the login form. (Lab copy: no network.)
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector(".lm-form");
  if (!form) { return; }
  form.addEventListener("submit", function (event) {
    var pseudo = document.getElementById("lm-pseudo").value.trim();
    if (pseudo.length < 3) { event.preventDefault(); alert("Choisissez un pseudonyme de trois lettres au moins."); }
  });
});
