/* A staff session ends after a while without activity. Typing, tapping or "Stay signed in"
   tell the server the person is still here (at most once a minute); two minutes before the
   end a warning says so; at the end the page reloads, so the server's sign-in page replaces
   what was on screen. */
(function () {
  'use strict';
  var box = document.getElementById('idle-warning');
  if (!box) return;
  var idle = Number(box.getAttribute('data-idle-seconds')) * 1000;
  var warn = Number(box.getAttribute('data-warn-seconds')) * 1000;
  var lastSent = Date.now(), warnTimer, endTimer;
  function schedule() {
    clearTimeout(warnTimer); clearTimeout(endTimer);
    box.hidden = true;
    warnTimer = setTimeout(function () { box.hidden = false; }, Math.max(idle - warn, 0));
    endTimer = setTimeout(function () { window.location.reload(); }, idle + 1000);
  }
  function stillHere() {
    lastSent = Date.now();
    fetch(box.getAttribute('data-still-here'), {
      method: 'POST', credentials: 'same-origin',
      headers: { 'X-CSRFToken': document.querySelector('.signout [name=csrf_token]').value }
    }).then(function (response) {
      if (response.ok && !response.redirected) schedule();
    }).catch(function () {});
  }
  document.getElementById('idle-stay').addEventListener('click', stillHere);
  ['keydown', 'pointerdown'].forEach(function (name) {
    document.addEventListener(name, function () {
      if (box.hidden && Date.now() - lastSent > 60000) stillHere();
    }, true);
  });
  schedule();
})();
