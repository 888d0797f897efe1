/* The station form's map point picker (templates/console/map.html, drawn by xinye.core.maps): a click on
   the map fills 纬度/经度, typing in them moves the marker. The map carries its Web Mercator projection in
   data attributes (pixel = (unit − centre) × k + half the box); this file only inverts it. Without this
   script the map stays hidden and the inputs work alone. */
(function () {
  "use strict";
  var DIGITS = 6; // about 0.1 m: more than a click on a city-wide map can mean

  function picker(fig) {
    var lat = document.getElementById(fig.dataset.latInput);
    var lng = document.getElementById(fig.dataset.lngInput);
    if (!lat || !lng) { return; }
    var svg = fig.querySelector("svg");
    var marker = fig.querySelector("[data-map-marker]");
    var warning = fig.querySelector("[data-map-warning]");
    var outlines = fig.querySelectorAll("[data-map-outlines] path");
    var k = parseFloat(fig.dataset.k), cx = parseFloat(fig.dataset.cx), cy = parseFloat(fig.dataset.cy);
    var w = parseFloat(fig.dataset.width), h = parseFloat(fig.dataset.height);

    function toPixel(la, ln) {
      var s = Math.sin(Math.max(Math.min(la, 85.05112878), -85.05112878) * Math.PI / 180);
      var ux = (ln + 180) / 360, uy = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
      return [(ux - cx) * k + w / 2, (uy - cy) * k + h / 2];
    }
    function toPoint(x, y) {
      var ux = (x - w / 2) / k + cx, uy = (y - h / 2) / k + cy;
      var la = Math.atan(Math.sinh(Math.PI * (1 - 2 * uy))) * 180 / Math.PI;
      return [la, ux * 360 - 180];
    }
    function inCity(x, y) {
      var p = svg.createSVGPoint();
      p.x = x; p.y = y;
      for (var i = 0; i < outlines.length; i++) { if (outlines[i].isPointInFill(p)) { return true; } }
      return false;
    }
    function place() {
      var la = parseFloat(lat.value), ln = parseFloat(lng.value);
      if (isNaN(la) || isNaN(ln)) {
        marker.setAttribute("transform", "translate(-100 -100)");
        warning.hidden = true;
        return;
      }
      var xy = toPixel(la, ln);
      marker.setAttribute("transform", "translate(" + xy[0].toFixed(1) + " " + xy[1].toFixed(1) + ")");
      warning.hidden = inCity(xy[0], xy[1]);
    }
    svg.addEventListener("click", function (event) {
      var p = svg.createSVGPoint();
      p.x = event.clientX; p.y = event.clientY;
      var at = p.matrixTransform(svg.getScreenCTM().inverse());
      var point = toPoint(at.x, at.y);
      lat.value = point[0].toFixed(DIGITS);
      lng.value = point[1].toFixed(DIGITS);
      [lat, lng].forEach(function (input) { input.dispatchEvent(new Event("change", { bubbles: true })); });
      place();
    });
    lat.addEventListener("input", place);
    lng.addEventListener("input", place);
    fig.hidden = false;
    place();
  }

  function ready() { Array.prototype.forEach.call(document.querySelectorAll("[data-map-picker]"), picker); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
