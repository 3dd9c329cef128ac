"""Who sends the outbox: the same runner as render jobs (`FORMS_RENDER_QUEUE`). `inline`
sends after the commit in the request; `threads` in this process's runner threads, with a
timer for the next retry; `celery` in a worker, whose beat sends what is due every minute."""

import threading

from flask import Flask, current_app

from ..database import after_commit
from ..rendering.queue import executor
from ..webhooks import delivery as webhooks
from .invitations import next_reminder_in, queue_reminders
from .notices import notify_due
from .service import next_retry_in, send_due

_timer_lock = threading.Lock()


def run_outbox() -> tuple[int, int]:
    """Write the reminders, staff notices and webhook events that are due, then send every
    message and webhook delivery due: (sent, not sent)."""
    notify_due()
    queue_reminders()
    webhooks.emit_expired_consents()
    sent, not_sent = send_due()
    arrived, not_arrived = webhooks.deliver_due()
    return sent + arrived, not_sent + not_arrived


def _next_wake():
    waits = (next_retry_in(), next_reminder_in(), webhooks.next_retry_in())
    return min((w for w in waits if w is not None), default=None)


def _send_in_app(app: Flask) -> None:
    with app.app_context():
        run_outbox()
        wait = _next_wake()
    if wait is None or app.config["RENDER_QUEUE"] != "threads":
        return
    with _timer_lock:  # one timer per process is enough: it sends everything then due
        timer = app.extensions.get("forms_message_timer")
        if timer is not None and timer.is_alive():
            return
        timer = threading.Timer(wait.total_seconds() + 1, _send_in_app, (app,))
        timer.daemon = True
        app.extensions["forms_message_timer"] = timer
        timer.start()


def send_soon() -> None:
    """Hand the outbox to the runner once this request's transaction has committed."""
    after_commit(send_now)


def send_now() -> None:
    mode = current_app.config["RENDER_QUEUE"]
    if mode == "celery":
        from ..rendering.tasks import periodic_tasks

        periodic_tasks["forms_service.send_messages"].delay()
    elif mode == "threads":
        executor().submit(_send_in_app, current_app._get_current_object())
    else:
        run_outbox()
