/* Draws a Leaflet map in every [data-map] element, with a marker for every [data-marker]
   item on the page. The markers are also listed in the HTML, so nothing is lost when the
   tiles cannot load. */
(function () {
  "use strict";
  if (typeof L === "undefined") return;
  document.querySelectorAll("[data-map]").forEach(function (el) {
    var items = Array.prototype.slice.call(document.querySelectorAll("[data-marker]"));
    var points = [];
    var markers = [];
    var map = L.map(el, { scrollWheelZoom: false });
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.attribution || "", maxZoom: 18 }).addTo(map);
    }
    items.forEach(function (item) {
      var lat = parseFloat(item.dataset.lat), lng = parseFloat(item.dataset.lng);
      if (isNaN(lat) || isNaN(lng)) return;
      points.push([lat, lng]);
      var origin = item.hasAttribute("data-origin");
      var marker = L.circleMarker([lat, lng], origin
        ? { radius: 10, color: "#b3261e", weight: 3, fillColor: "#ffffff", fillOpacity: 1 }
        : { radius: 8, color: "#0017c1", weight: 2, fillOpacity: 0.7 }).addTo(map);
      var link = document.createElement(item.dataset.href ? "a" : "span");
      link.textContent = item.dataset.name || "";
      if (item.dataset.href) link.href = item.dataset.href;
      marker.bindPopup(link);
      markers.push([marker, (origin ? "検索の起点: " : "") + (item.dataset.name || "")]);
    });
    if (points.length === 1) map.setView(points[0], 15);
    else if (points.length) map.fitBounds(points, { padding: [20, 20], maxZoom: 15 });
    else map.setView([33.88, 130.88], 11);
    // Reachable by keyboard: Tab to a marker, Enter or Space opens its name and link. (The
    // markers' elements exist once the map has a view.)
    markers.forEach(function (pair) {
      var marker = pair[0], path = marker.getElement && marker.getElement();
      if (!path) return;
      path.setAttribute("tabindex", "0");
      path.setAttribute("role", "button");
      path.setAttribute("aria-label", pair[1]);
      path.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          marker.openPopup();
        }
      });
    });
  });
})();
