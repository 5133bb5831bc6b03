/*
 * The customer's live map (Leaflet, loaded as the classic script leaflet/leaflet.js from the
 * django-leaflet package, so window.L): the breakdown pin, the professional's marker and their
 * trail since setting off. Without a tile URL (settings.MAP_TILE_URL empty, as in the tests) no
 * tile is fetched and the markers show on the element's plain background.
 *
 * The latest marker position is also written to the element's data-professional attribute
 * ("lat,lng"), which the browser tests read.
 */
import { byId } from "./page.js";

export function createLiveMap(settings) {
  var element = byId("live-map");
  if (!element || !window.L) {
    return { move: function () {} };
  }
  var L = window.L;
  var map = L.map(element, { zoomControl: true });
  if (settings.map && settings.map.tileUrl) {
    L.tileLayer(settings.map.tileUrl, { attribution: settings.map.attribution, maxZoom: 19 }).addTo(map);
  }
  var target = settings.target ? [settings.target.latitude, settings.target.longitude] : null;
  var trail = L.polyline(settings.trail || [], { color: "#2563eb", weight: 4, opacity: 0.7 }).addTo(map);
  var professional = null;
  if (target) {
    L.circleMarker(target, { radius: 9, color: "#b91c1c", fillColor: "#ef4444", fillOpacity: 0.9 })
      .bindTooltip("Your position")
      .addTo(map);
    element.dataset.pin = target[0].toFixed(6) + "," + target[1].toFixed(6);
    map.setView(target, 14);
  } else {
    map.setView([0, 0], 2);
  }

  function fit() {
    var points = trail.getLatLngs().slice();
    if (target) {
      points.push(L.latLng(target));
    }
    if (points.length > 1) {
      map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 16 });
    } else if (points.length === 1) {
      map.setView(points[0], 15);
    }
  }

  function move(point) {
    var latLng = [parseFloat(point.latitude), parseFloat(point.longitude)];
    if (!professional) {
      professional = L.circleMarker(latLng, { radius: 8, color: "#1d4ed8", fillColor: "#3b82f6", fillOpacity: 1 })
        .bindTooltip("Professional")
        .addTo(map);
    } else {
      professional.setLatLng(latLng);
    }
    var last = trail.getLatLngs().slice(-1)[0];
    if (!last || last.lat !== latLng[0] || last.lng !== latLng[1]) {
      trail.addLatLng(latLng);
    }
    element.dataset.professional = latLng[0].toFixed(6) + "," + latLng[1].toFixed(6);
    element.dataset.trail = String(trail.getLatLngs().length);
    // The panel may have been hidden when the map was made (size 0): measure it again.
    map.invalidateSize();
    fit();
  }

  if (settings.point) {
    move(settings.point);
  }
  return { move: move };
}

/* The ETA line and the "running late" alert, from a location message's `eta`. */
export function renderEta(eta) {
  var line = byId("live-eta");
  var late = byId("live-late");
  if (!line) {
    return;
  }
  line.hidden = !eta;
  if (late) {
    late.hidden = !(eta && eta.late);
    late.textContent = eta && eta.late ? "Running late: now " + eta.arrives_at_clock : "";
  }
  if (eta) {
    line.textContent = "Arriving in about " + eta.minutes + " min (" + eta.arrives_at_clock + ")";
  }
}
