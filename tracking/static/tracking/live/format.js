/*
 * Geometry and wording for the "Live position" panel. Pure functions: no DOM, no settings, so
 * they can be reasoned about (and reused) apart from the page.
 */

// Great-circle distance in km: haversine on the mean Earth radius, the same formula and radius
// as the server's geo module, so the page and the server agree on a distance.
export function distanceKm(from, to) {
  var radians = Math.PI / 180;
  var lat1 = from.latitude * radians;
  var lat2 = to.latitude * radians;
  var dLat = lat2 - lat1;
  var dLng = (to.longitude - from.longitude) * radians;
  var a =
    Math.sin(dLat / 2) * Math.sin(dLat / 2) +
    Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(a)));
}

export function formatDistance(km) {
  return km < 1 ? Math.round(km * 1000) + " m" : km.toFixed(1) + " km";
}

export function formatAge(seconds) {
  if (seconds < 60) {
    return seconds + " s ago";
  }
  if (seconds < 3600) {
    return Math.floor(seconds / 60) + " min ago";
  }
  return Math.floor(seconds / 3600) + " h ago";
}
