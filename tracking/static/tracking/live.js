/*
 * Live tracking on a request's page (templates/requests_app/detail.html): the entry module,
 * loaded with <script type="module">. Plain JS in ES modules, no build step, nothing loaded from
 * elsewhere; the parts live in ./live/ (watch.js for the customer following the request,
 * socket.js for its WebSocket, share.js for the professional sending the phone's position).
 *
 * The page hands its settings over in <script id="live-config">, found by id: a module has no
 * document.currentScript, and needs none. Module scripts are deferred, like the `defer` the
 * classic script had, so the whole page (live-config included) is parsed before this runs.
 * A module has no enclosing function to `return` from, hence the `if` around the start.
 */
import { share } from "./live/share.js";
import { watch } from "./live/watch.js";

var configElement = document.getElementById("live-config");
if (configElement) {
  var config = JSON.parse(configElement.textContent);
  if (config.watch) {
    watch(config);
  }
  if (config.share) {
    share(config);
  }
}
