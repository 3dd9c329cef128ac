/*
 * Signature pad: records finger, pen or mouse strokes on every .sig-pad and writes them as JSON
 * ({"v": 1, "width", "height", "strokes": [[[x, y, t, p], ...], ...]}) into the pad's hidden
 * input. The server validates the strokes and draws the signature itself (signatures/ink.py),
 * so this file only has to record faithfully and show the signer what they drew.
 * Plain ES2017, no dependencies: it must run on old Android Chrome and iPad Safari.
 */
(function () {
  'use strict';

  var INK = '#1a237e';
  var PEN = 2.5; // CSS px at pressure 0.5
  var BASELINE = 0.72; // the signing line, as a fraction of the pad height (see pad.css)
  var MIN_STEP = 1.5; // CSS px between recorded points: smooth enough, keeps the payload small
  var MAX_STROKES = 100; // the server's limit
  var MAX_POINTS = 7000; // at <= 26 bytes a point, the JSON stays under the server's 200 kB

  function Pad(root) {
    this.root = root;
    this.canvas = root.querySelector('canvas');
    this.ctx = this.canvas.getContext('2d');
    this.input = document.getElementById(root.getAttribute('data-input'));
    this.submit = document.getElementById(root.getAttribute('data-submit') || '');
    this.status = root.querySelector('[data-role="status"]');
    this.messages = {
      captured: root.getAttribute('data-msg-captured') || 'Signature captured',
      undone: root.getAttribute('data-msg-undone') || 'Last stroke removed',
      cleared: root.getAttribute('data-msg-cleared') || 'Signature cleared',
      full:
        root.getAttribute('data-msg-full') || 'The signature box is full. Clear it to sign again.',
    };
    // Points are kept in "model" px: the pad's size when they were drawn. Rotating the
    // device shows them fitted to the new size without touching them, so turning back and
    // forth loses nothing; the payload is always in the pad's current size.
    this.strokes = []; // [[{x, y, t, p}, ...], ...]
    this.model = { w: 0, h: 0 };
    this.size = { w: 0, h: 0 };
    this.current = null; // the stroke being drawn
    this.pointerId = null;
    this.scale = 1; // model px -> CSS px
    this.offsetY = 0;
    this.listen();
    this.restore();
    this.resize();
    this.sync();
  }

  // Ink already in the input when the page opens (sent back by the server with a refused
  // submit, or kept by the browser) is drawn again: a signature is never thrown away, and
  // what is sent is always what is shown.
  Pad.prototype.restore = function () {
    var saved = null;
    try {
      saved = this.input && this.input.value ? JSON.parse(this.input.value) : null;
    } catch (err) {
      saved = null; // not ink this page wrote: start with an empty pad
    }
    if (!saved || saved.v !== 1 || !saved.width || !saved.height || !Array.isArray(saved.strokes)) {
      return;
    }
    this.model = { w: saved.width, h: saved.height };
    this.strokes = saved.strokes.map(function (stroke) {
      return stroke.map(function (pt) {
        return { x: pt[0], y: pt[1], t: pt[2], p: pt[3] };
      });
    });
  };

  Pad.prototype.listen = function () {
    var pad = this;
    var canvas = this.canvas;
    canvas.addEventListener('pointerdown', function (e) { pad.start(e); });
    canvas.addEventListener('pointermove', function (e) { pad.move(e); });
    ['pointerup', 'pointercancel', 'lostpointercapture'].forEach(function (type) {
      canvas.addEventListener(type, function (e) { pad.finish(e); });
    });
    // iOS Safari: no scrolling, zooming or text magnifier while signing.
    ['touchstart', 'touchmove'].forEach(function (type) {
      canvas.addEventListener(type, function (e) { e.preventDefault(); }, { passive: false });
    });
    this.root.querySelector('[data-action="undo"]').addEventListener('click', function () {
      pad.undo();
    });
    this.root.querySelector('[data-action="clear"]').addEventListener('click', function () {
      pad.clear();
    });
    if (window.ResizeObserver) {
      new ResizeObserver(function () { pad.resize(); }).observe(canvas);
    } else {
      window.addEventListener('resize', function () { pad.resize(); });
      window.addEventListener('orientationchange', function () { pad.resize(); });
    }
  };

  // --- drawing input ---------------------------------------------------------------------

  Pad.prototype.start = function (e) {
    if (this.current || !e.isPrimary || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    if (this.strokes.length >= MAX_STROKES || this.pointCount() >= MAX_POINTS) {
      this.announce(this.messages.full);
      return;
    }
    this.rebase();
    this.pointerId = e.pointerId;
    try {
      this.canvas.setPointerCapture(e.pointerId);
    } catch (err) {
      // The pointer is already gone; the stroke still ends on pointerup or pointercancel.
    }
    this.current = [this.point(e)];
    this.strokes.push(this.current);
    this.drawPiece(this.current, 0);
  };

  Pad.prototype.move = function (e) {
    if (!this.current || e.pointerId !== this.pointerId) return;
    e.preventDefault();
    var events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
    (events.length ? events : [e]).forEach(this.add, this);
  };

  Pad.prototype.add = function (e) {
    var stroke = this.current;
    if (!stroke) return; // ended by the point limit earlier in this batch
    var last = stroke[stroke.length - 1];
    var pt = this.point(e);
    if (Math.hypot(pt.x - last.x, pt.y - last.y) < MIN_STEP) return;
    if (this.pointCount() >= MAX_POINTS) {
      this.finish(e);
      this.announce(this.messages.full);
      return;
    }
    pt.t = Math.max(pt.t, last.t); // coalesced events may share or reorder timestamps
    stroke.push(pt);
    this.drawPiece(stroke, stroke.length - 1);
  };

  Pad.prototype.finish = function (e) {
    if (!this.current || e.pointerId !== this.pointerId) return;
    var stroke = this.current;
    this.current = null;
    this.pointerId = null;
    this.drawTail(stroke);
    this.publish(this.messages.captured);
  };

  // A pointer position in model px (the model equals the pad size while drawing), clamped
  // to the pad: with pointer capture the finger may wander outside it.
  Pad.prototype.point = function (e) {
    var rect = this.canvas.getBoundingClientRect();
    var x = ((e.clientX - rect.left) * this.size.w) / rect.width;
    var y = ((e.clientY - rect.top) * this.size.h) / rect.height;
    return {
      x: Math.min(Math.max(x, 0), this.size.w),
      y: Math.min(Math.max(y, 0), this.size.h),
      t: e.timeStamp,
      p: e.pointerType === 'pen' && e.pressure > 0 ? e.pressure : 0.5,
    };
  };

  Pad.prototype.pointCount = function () {
    return this.strokes.reduce(function (n, stroke) { return n + stroke.length; }, 0);
  };

  // --- buttons ---------------------------------------------------------------------------

  Pad.prototype.undo = function () {
    if (this.current) return;
    this.strokes.pop();
    this.afterRemoval(this.strokes.length ? this.messages.undone : this.messages.cleared);
  };

  Pad.prototype.clear = function () {
    if (this.current) return;
    this.strokes = [];
    this.afterRemoval(this.messages.cleared);
  };

  Pad.prototype.afterRemoval = function (message) {
    if (!this.strokes.length) this.model = { w: this.size.w, h: this.size.h };
    this.redraw();
    this.publish(message);
  };

  // --- size ------------------------------------------------------------------------------

  Pad.prototype.resize = function () {
    var w = this.canvas.clientWidth;
    var h = this.canvas.clientHeight;
    var dpr = window.devicePixelRatio || 1;
    if (!w || !h) return; // hidden; the observer calls again once the pad is shown
    if (w === this.size.w && h === this.size.h && this.canvas.width === Math.round(w * dpr)) {
      return;
    }
    if (this.current) this.finish({ pointerId: this.pointerId });
    this.size = { w: w, h: h };
    if (!this.strokes.length) this.model = { w: w, h: h };
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(h * dpr);
    this.redraw();
    if (this.strokes.length) this.publish(null); // same ink, new coordinates
  };

  // Before a new stroke, move the ink into the current size so all strokes share one space.
  Pad.prototype.rebase = function () {
    if (this.model.w === this.size.w && this.model.h === this.size.h) return;
    var pad = this;
    this.strokes = this.strokes.map(function (stroke) {
      return stroke.map(function (pt) {
        return { x: pad.viewX(pt.x), y: pad.viewY(pt.y), t: pt.t, p: pt.p };
      });
    });
    this.model = { w: this.size.w, h: this.size.h };
    this.redraw();
  };

  // The model fitted into the current size without distortion: left-aligned, on the line.
  Pad.prototype.fit = function () {
    this.scale = Math.min(this.size.w / this.model.w, this.size.h / this.model.h);
    this.offsetY = BASELINE * (this.size.h - this.model.h * this.scale);
  };

  Pad.prototype.viewX = function (x) {
    return x * this.scale;
  };

  Pad.prototype.viewY = function (y) {
    return y * this.scale + this.offsetY;
  };

  // --- rendering -------------------------------------------------------------------------

  Pad.prototype.redraw = function () {
    var ctx = this.ctx;
    var dpr = this.canvas.width / this.size.w;
    this.fit();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(dpr * this.scale, 0, 0, dpr * this.scale, 0, dpr * this.offsetY);
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    this.strokes.forEach(function (stroke) {
      for (var i = 0; i < stroke.length; i++) this.drawPiece(stroke, i);
      if (stroke !== this.current) this.drawTail(stroke);
    }, this);
  };

  // The curve up to point i: quadratic curves through the midpoints, the points as controls.
  Pad.prototype.drawPiece = function (stroke, i) {
    var ctx = this.ctx;
    var pt = stroke[i];
    if (i === 0) {
      ctx.beginPath();
      ctx.arc(pt.x, pt.y, this.penWidth(pt.p) / 2, 0, 2 * Math.PI);
      ctx.fill();
      return;
    }
    var prev = stroke[i - 1];
    ctx.beginPath();
    if (i === 1) {
      ctx.moveTo(prev.x, prev.y);
      ctx.lineTo((prev.x + pt.x) / 2, (prev.y + pt.y) / 2);
    } else {
      var before = stroke[i - 2];
      ctx.moveTo((before.x + prev.x) / 2, (before.y + prev.y) / 2);
      ctx.quadraticCurveTo(prev.x, prev.y, (prev.x + pt.x) / 2, (prev.y + pt.y) / 2);
    }
    ctx.lineWidth = this.penWidth((prev.p + pt.p) / 2);
    ctx.stroke();
  };

  // The last half-segment, from the final midpoint to the point where the stroke ended.
  Pad.prototype.drawTail = function (stroke) {
    var n = stroke.length;
    if (n < 2) return;
    var a = stroke[n - 2];
    var b = stroke[n - 1];
    var ctx = this.ctx;
    ctx.beginPath();
    ctx.moveTo((a.x + b.x) / 2, (a.y + b.y) / 2);
    ctx.lineTo(b.x, b.y);
    ctx.lineWidth = this.penWidth(b.p);
    ctx.stroke();
  };

  // In model px, so the line looks the same on screen whatever the fit scale.
  Pad.prototype.penWidth = function (pressure) {
    return (PEN * (0.75 + 0.5 * pressure)) / this.scale;
  };

  // --- output ----------------------------------------------------------------------------

  Pad.prototype.payload = function () {
    var pad = this;
    var t0 = this.strokes[0][0].t;
    var tenth = function (v) { return Math.round(v * 10) / 10; };
    return JSON.stringify({
      v: 1,
      width: this.size.w,
      height: this.size.h,
      strokes: this.strokes.map(function (stroke) {
        return stroke.map(function (pt) {
          return [
            tenth(Math.min(pad.viewX(pt.x), pad.size.w)),
            tenth(Math.min(pad.viewY(pt.y), pad.size.h)),
            Math.max(0, Math.round(pt.t - t0)),
            Math.round(pt.p * 100) / 100,
          ];
        });
      }),
    });
  };

  // Input value, has-ink class and submit button, without telling anyone (used at start-up).
  Pad.prototype.sync = function () {
    var hasInk = this.strokes.length > 0;
    // A pad not shown yet has no size: restored ink stays in the input as it came.
    if (this.input && (this.size.w || !hasInk)) this.input.value = hasInk ? this.payload() : '';
    this.root.classList.toggle('has-ink', hasInk);
    if (this.submit) this.submit.disabled = !hasInk;
  };

  Pad.prototype.publish = function (message) {
    this.sync();
    if (this.input) this.input.dispatchEvent(new Event('input', { bubbles: true }));
    if (message) this.announce(message);
  };

  // Emptied first and refilled a moment later, so a repeated message is announced again.
  Pad.prototype.announce = function (message) {
    var status = this.status;
    if (!status) return;
    status.textContent = '';
    window.clearTimeout(this.announcing);
    this.announcing = window.setTimeout(function () { status.textContent = message; }, 100);
  };

  function init() {
    var pads = document.querySelectorAll('.sig-pad');
    for (var i = 0; i < pads.length; i++) {
      if (!pads[i].sigPad) pads[i].sigPad = new Pad(pads[i]);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
