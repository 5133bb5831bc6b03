/*
 * The admins' dispatch board (templates/admin/tracking/dispatch_board.html): available
 * professionals (blue) and open roadside requests (orange; red when unmatched) on a Leaflet
 * map, refreshed from the board's data.json every POLL_MS. The marker counts are written to
 * the map element's data-professionals / data-requests / data-unmatched (the tests read them).
 */
var POLL_MS = 10000;
var L = window.L;
var config = JSON.parse(document.getElementById("board-config").textContent);
var element = document.getElementById("board-map");
var map = L.map(element).setView([20, 78], 4);
if (config.map && config.map.tileUrl) {
  L.tileLayer(config.map.tileUrl, { attribution: config.map.attribution, maxZoom: 19 }).addTo(map);
}
var layer = L.layerGroup().addTo(map);
var fitted = false;

function render(data) {
  layer.clearLayers();
  var bounds = [];
  data.professionals.forEach(function (p) {
    L.circleMarker([p.latitude, p.longitude], { radius: 6, color: "#1d4ed8", fillOpacity: 0.9 })
      .bindTooltip(p.name + (p.service ? " · " + p.service : ""))
      .addTo(layer);
    bounds.push([p.latitude, p.longitude]);
  });
  var unmatched = 0;
  data.requests.forEach(function (r) {
    unmatched += r.unmatched ? 1 : 0;
    var colour = r.unmatched ? "#b91c1c" : "#ea580c";
    L.circleMarker([r.latitude, r.longitude], { radius: 8, color: colour, fillColor: colour, fillOpacity: 0.8 })
      .bindTooltip("#" + r.id + " " + r.service + (r.unmatched ? " (unmatched)" : ""))
      .on("click", function () { window.location.href = r.url; })
      .addTo(layer);
    bounds.push([r.latitude, r.longitude]);
  });
  element.dataset.professionals = String(data.professionals.length);
  element.dataset.requests = String(data.requests.length);
  element.dataset.unmatched = String(unmatched);
  if (!fitted && bounds.length) {
    map.fitBounds(L.latLngBounds(bounds), { padding: [24, 24], maxZoom: 15 });
    fitted = true;
  }
}

render(config.data);
window.setInterval(function () {
  fetch(config.dataUrl, { headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) { if (data) { render(data); } })
    .catch(function () {});
}, POLL_MS);
