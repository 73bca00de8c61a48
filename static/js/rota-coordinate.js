// 「連絡調整を始める」 on a consultation page: puts the facility of a backup bed or of tonight's
// on-call into the 連絡調整 form below and moves the cursor there. Without JavaScript the link
// still goes to the form. The form may be swapped in by htmx, so it is looked up on each click.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-coordinate-facility]");
    if (!link) { return; }
    var input = document.getElementById("id_co-facility_query");
    if (!input) { return; }
    event.preventDefault();
    var details = input.closest("details");
    if (details) { details.open = true; }
    input.value = link.getAttribute("data-coordinate-facility");
    input.scrollIntoView({ block: "center" });
    input.focus();
  });
})();
