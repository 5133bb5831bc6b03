/*
 * The professional's page offers Arrive once their phone is within ARRIVAL_RADIUS_M of the
 * request's position: the "#arrive-near" prompt shows and points at the start code field
 * (the Arrive form itself is requests_app's, on the same page).
 */
import { distanceKm } from "./format.js";
import { byId, setVisible } from "./page.js";

export function checkArrival(settings, latitude, longitude) {
  if (!settings.target || !settings.arrivalRadiusM) {
    return;
  }
  var metres = distanceKm(settings.target, { latitude: latitude, longitude: longitude }) * 1000;
  var near = metres <= settings.arrivalRadiusM;
  var prompt = byId("arrive-near");
  var wasHidden = prompt && prompt.hidden;
  setVisible(prompt, near);
  var code = byId("start-code");
  if (near && wasHidden && code) {
    code.focus();
  }
}
