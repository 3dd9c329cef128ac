/* The signing form: Sign is enabled once there is ink, or a typed name with its attestation;
   a check-before-you-sign step (WCAG 3.3.4); a signature sent while offline stays on the page
   and is sent again when the connection returns; in the kiosk, a warning before the screen
   closes with a button for more time (WCAG 2.2.1). No library, no outside address. What it
   says comes from the form's data-msg-* attributes, in the page's language. */
(function () {
  'use strict';
  var script = document.currentScript;
  var form = document.getElementById('sign-form');
  if (!form) return;
  var submit = document.getElementById('sign-submit');
  var confirmBox = document.getElementById('confirm');
  var note = document.getElementById('offline-note');
  var ink = form.querySelector('input[name=ink]');
  var typedName = form.querySelector('input[name=typed_name]');
  var typedAttested = form.querySelector('input[name=typed_attested]');

  function ready() {
    var typed = typedName && typedName.value.trim() && typedAttested && typedAttested.checked;
    return Boolean((ink && ink.value) || typed);
  }
  function refresh() { submit.disabled = !ready(); }
  [ink, typedName, typedAttested].forEach(function (el) {
    if (el) { el.addEventListener('input', refresh); el.addEventListener('change', refresh); }
  });
  refresh();

  // First press of Sign shows the check step; "Yes, sign now" sends.
  submit.addEventListener('click', function (event) {
    event.preventDefault();
    if (!ready()) return;
    confirmBox.hidden = false;
    submit.hidden = true;
    confirmBox.focus();
  });
  document.getElementById('confirm-back').addEventListener('click', function () {
    confirmBox.hidden = true;
    submit.hidden = false;
    submit.focus();
  });

  var pending = null;
  function send() {
    note.hidden = false;
    note.textContent = form.getAttribute('data-msg-sending');
    fetch(form.action, { method: 'POST', body: pending, credentials: 'same-origin' })
      .then(function (response) {
        return response.text().then(function (html) {
          pending = null;
          history.replaceState(null, '', response.url);
          document.open(); document.write(html); document.close();
        });
      })
      .catch(function () {
        note.textContent = form.getAttribute('data-msg-offline');
      });
  }
  form.addEventListener('submit', function (event) {
    if (!window.fetch || !window.FormData) return;  // an old browser posts the form itself
    event.preventDefault();
    if (pending) return;  // already on its way: the submission key makes a retry harmless
    pending = new FormData(form);
    document.getElementById('confirm-sign').disabled = true;
    send();
  });
  window.addEventListener('online', function () { if (pending) send(); });
  setInterval(function () { if (pending && navigator.onLine !== false) send(); }, 10000);

  // Kiosk: warn 30 s before the screen closes; any touch or key, or the button, keeps it open.
  var warning = document.getElementById('timeout-warning');
  var stillHere = script && script.getAttribute('data-still-here');
  if (!warning || !stillHere) return;
  var timeout = Number(warning.getAttribute('data-timeout')) * 1000;
  var lastPing = Date.now(), lastActivity = Date.now();
  var token = form.querySelector('input[name=csrf_token]').value;
  function ping() {
    lastPing = Date.now();
    var body = new FormData(); body.append('csrf_token', token);
    return fetch(stillHere, { method: 'POST', body: body, credentials: 'same-origin' });
  }
  function activity() {
    lastActivity = Date.now();
    warning.hidden = true;
    if (Date.now() - lastPing > Math.min(60000, timeout / 3)) ping();
  }
  ['pointerdown', 'keydown'].forEach(function (type) {
    document.addEventListener(type, activity, { passive: true });
  });
  document.getElementById('more-time').addEventListener('click', function () {
    ping().then(function () { lastActivity = Date.now(); warning.hidden = true; });
  });
  setInterval(function () {
    var idle = Date.now() - Math.max(lastActivity, lastPing);
    if (idle > timeout) { location.reload(); return; }
    if (idle > timeout - 30000 && warning.hidden) {
      warning.hidden = false;
      document.getElementById('more-time').focus();
    }
  }, 1000);
})();
