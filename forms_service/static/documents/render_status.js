/* The document page while its document is rendered: asks for the page's rendering part
   quietly (no reload), less and less often, and stops once it is filed or has failed. */
(function () {
  'use strict';
  var box = document.getElementById('render-status');
  if (!box) return;
  var url = box.getAttribute('data-poll');
  var delay = 2000, last = box.innerHTML;
  function working() { return box.querySelector('[data-working]') !== null; }
  function poll() {
    fetch(url, { credentials: 'same-origin' })
      .then(function (response) {
        // signed out meanwhile (sent to sign in): stop, the next click shows why
        if (!response.ok || response.redirected) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        if (html !== last) { box.innerHTML = html; last = html; }  // announced (aria-live)
        delay = Math.min(delay * 1.5, 60000);
        if (working()) setTimeout(poll, delay);
      })
      .catch(function () {});
  }
  if (working()) setTimeout(poll, delay);
})();
