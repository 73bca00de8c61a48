(function () {
  "use strict";
  // On a phone each menu is one row that scrolls sideways (site.css); bring the current page's
  // item into view, or the reader sees the first items only and not where they are.
  document.querySelectorAll(".site-nav [aria-current], .section-nav [aria-current]").forEach(function (item) {
    var row = item.closest("ul");
    if (row && row.scrollWidth > row.clientWidth) {
      row.scrollLeft += item.getBoundingClientRect().left - row.getBoundingClientRect().left - 16;
    }
  });
})();
