"""gunicorn settings for `make run`: the warm converters start with the server, outlive
single workers (they are shared by all of them) and are stopped when the server itself stops;
the access log never holds a one-time link's token."""

import os
import re

from gunicorn.glogging import Logger

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("FORMS_WEB_WORKERS", "2"))
threads = 4
worker_class = "forms_service.gunicorn_worker.SignInFirstWorker"  # gthread, sign-in first
timeout = 120
accesslog = "-"
# gunicorn's default line, and the worker that answered.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(p)s'
ONE_TIME_TOKEN = re.compile(r"/s/(?!thanks\b)[^/?#\s\"]+")


class AccessLog(Logger):
    """A one-time link works for whoever holds it: its token (in the path, and in the
    Referer of the pages it leads to) is written as "/s/…" in the access log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: ONE_TIME_TOKEN.sub("/s/…", value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }


logger_class = AccessLog


# In threads mode the documents signed in any worker are filed by a render process of their
# own (rendering/local.py); FORMS_RENDER_PROCESS=0 keeps the renders in the workers. Set before
# the app's settings are read, by the master and the workers it forks.
if os.environ.get("FORMS_RENDER_QUEUE", "threads") == "threads":
    os.environ.setdefault("FORMS_RENDER_PROCESS", "1")


RENDER_PROCESS_START_SECONDS = 60


def when_ready(server):
    """The converters start with the service, before it takes its first request, and so does
    the render process."""
    from forms_service import create_app
    from forms_service.rendering.local import Supervisor, wait_until_listening
    from forms_service.rendering.resources import start_converters

    app = create_app()
    with app.app_context():
        start_converters()
    if app.config["RENDER_PROCESS"]:
        server.forms_render = Supervisor(dict(os.environ))
        server.forms_render.start()
        # The workers start once it listens: none files a document signed meanwhile itself
        # (and loads the renderers for the rest of its life).
        if not wait_until_listening(app.instance_path, RENDER_PROCESS_START_SECONDS):
            server.log.error("The render process did not start: the web workers render.")


def post_worker_init(worker):
    """Each worker finds the converters running and, if it files documents (not on Celery, nor
    with a render process), has its seal key loaded before its first request, and starts its
    scheduler thread: each periodic task still runs once per interval, by whichever process
    claims it first (the render process runs it when there is one)."""
    from forms_service import process
    from forms_service.rendering import schedule
    from forms_service.rendering.queue import files_here
    from forms_service.rendering.resources import start_converters

    with worker.wsgi.app_context():
        start_converters()
        if files_here():
            from forms_service.rendering.service import warm_seal

            warm_seal()
    process.settle()
    if not worker.wsgi.config["RENDER_PROCESS"]:
        schedule.start(worker.wsgi)


def on_exit(server):
    if getattr(server, "forms_render", None) is not None:
        server.forms_render.stop()
    from forms_service import create_app
    from forms_service.rendering.resources import converter

    with create_app().app_context():
        converter().shutdown()
