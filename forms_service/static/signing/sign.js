/* The signing form: Sign is enabled once the e-signature agreement is ticked and there is
   ink, or a typed name with its attestation (until then a note says so); a check-before-you-
   sign step (WCAG 3.3.4); a signature sent while offline stays on the page and is sent again
   when the connection returns. In the kiosk: "I want paper instead" asks once in a dialog, and
   a warning before the screen closes, with a button for more time (WCAG 2.2.1), that never
   takes the focus. No library, no outside address. What it says comes from the page, in the
   page's language. */
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
  var agreed = form.querySelector('input[name=esign_accepted]');
  var needs = document.getElementById('sign-needs');

  function ready() {
    var typed = typedName && typedName.value.trim() && typedAttested && typedAttested.checked;
    return Boolean(agreed.checked && ((ink && ink.value) || typed));
  }
  function refresh() {
    submit.disabled = !ready();
    needs.hidden = !submit.disabled;
    submit.setAttribute('aria-describedby', submit.disabled ? 'sign-needs sign-note' : 'sign-note');
  }
  [ink, typedName, typedAttested, agreed].forEach(function (el) {
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

  // Kiosk: "I want paper instead" asks first; without <dialog> the server asks instead.
  var paper = document.getElementById('paper-confirm');
  if (paper && paper.showModal) {
    var paperOpen = document.getElementById('paper-open');
    paperOpen.addEventListener('click', function (event) {
      event.preventDefault();
      paper.showModal();
    });
    document.getElementById('paper-back').addEventListener('click', function () { paper.close(); });
    paper.addEventListener('close', function () { paperOpen.focus(); });
    if (paper.open) { paper.close(); paper.showModal(); }  // the server asked: make it modal
  }

  // Kiosk: warn 30 s before the screen closes, without taking the focus (it would swallow a
  // keystroke); a live region announces it. A touch, a key, scrolling, or reading (the focus
  // moving) is activity, and so is the button. The server hears of activity within `every`
  // ms, so it never closes the kiosk before this page has warned.
  var warning = document.getElementById('timeout-warning');
  var announce = document.getElementById('timeout-announce');
  var moreTime = document.getElementById('more-time');
  var stillHere = script && script.getAttribute('data-still-here');
  if (!warning || !stillHere) return;
  var timeout = Number(warning.getAttribute('data-timeout')) * 1000;
  var every = Math.min(60000, timeout / 3);
  var lastPing = Date.now(), lastActivity = Date.now(), resume = null;
  var token = form.querySelector('input[name=csrf_token]').value;
  function ping() {
    lastPing = Date.now();
    var body = new FormData(); body.append('csrf_token', token);
    return fetch(stillHere, { method: 'POST', body: body, credentials: 'same-origin' });
  }
  function hideWarning() {
    warning.hidden = true;
    announce.textContent = '';
  }
  function activity(event) {
    if (warning.contains(event.target)) return;  // reaching the button must not hide it
    lastActivity = Date.now();
    hideWarning();
    if (lastActivity - lastPing > every) ping();
  }
  ['pointerdown', 'keydown', 'scroll', 'wheel', 'focusin'].forEach(function (type) {
    document.addEventListener(type, activity, { capture: true, passive: true });
  });
  moreTime.addEventListener('click', function () {
    ping().then(function () {
      lastActivity = Date.now();
      hideWarning();
      if (resume && document.contains(resume)) resume.focus();  // back to where they were
    });
  });
  setInterval(function () {
    if (lastActivity > lastPing && Date.now() - lastPing > every) ping();
    var idle = Date.now() - Math.max(lastActivity, lastPing);
    if (idle > timeout) { location.reload(); return; }
    if (idle > timeout - 30000 && warning.hidden) {
      resume = document.activeElement;
      warning.hidden = false;
      announce.textContent = warning.getAttribute('data-announce');
    }
  }, 1000);
})();
