/* A signing page that opens on an error summary (or on a question the server asks) moves the
   focus to it, so a screen reader reads it at once and the page shows it where the person
   is, not far above or below. */
(function () {
  'use strict';
  var target = document.querySelector('.error-summary, dialog[open]');
  if (target) target.focus();
})();
