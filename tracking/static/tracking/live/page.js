/*
 * Small DOM helpers shared by the watching and the sharing side of live tracking. The page's
 * elements are looked up by id each time (not cached) because the old single script did so and
 * nothing here should behave differently after the split into modules.
 */

export function byId(id) {
  return document.getElementById(id);
}

export function setVisible(element, visible) {
  if (element) {
    element.hidden = !visible;
  }
}
