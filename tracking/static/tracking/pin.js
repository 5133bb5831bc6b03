/*
 * The booking page's pin (tracking_tags.pin_picker): shown once the position fields hold a
 * position (typed, or filled by "Use my location"), draggable to correct it; dragging writes
 * the fields back. The server still checks the values.
 */
var element = document.getElementById("pin-map");
var config = {
  map: { tileUrl: element.dataset.tileUrl, attribution: element.dataset.attribution },
};
var latitudeField = document.getElementById(element.dataset.latitudeId);
var longitudeField = document.getElementById(element.dataset.longitudeId);
var L = window.L;
var map = null;
var pin = null;

function fieldsPosition() {
  var lat = parseFloat(latitudeField.value);
  var lng = parseFloat(longitudeField.value);
  return isFinite(lat) && isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180 ? [lat, lng] : null;
}

function dropped() {
  var at = pin.getLatLng();
  latitudeField.value = at.lat.toFixed(6);
  longitudeField.value = at.lng.toFixed(6);
}

function sync() {
  var position = fieldsPosition();
  if (!position || !L) {
    return;
  }
  element.hidden = false;
  if (!map) {
    map = L.map(element).setView(position, 16);
    if (config.map.tileUrl) {
      L.tileLayer(config.map.tileUrl, { attribution: config.map.attribution, maxZoom: 19 }).addTo(map);
    }
    pin = L.marker(position, { draggable: true, autoPan: true, title: "Your position" }).addTo(map);
    pin.on("dragend", dropped);
  } else {
    map.invalidateSize();
    pin.setLatLng(position);
    map.panTo(position);
  }
}

[latitudeField, longitudeField].forEach(function (field) {
  field.addEventListener("change", sync);
  field.addEventListener("input", sync);
});
sync();
