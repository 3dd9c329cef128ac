"""gunicorn settings for `make run`: the warm converters start with the server, outlive
single workers (they are shared by all of them) and are stopped when the server itself stops."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("FORMS_WEB_WORKERS", "2"))
threads = 4
timeout = 120
accesslog = "-"


def when_ready(server):
    """The converters start with the service, before it takes its first request."""
    from forms_service import create_app
    from forms_service.rendering.service import start_converters

    with create_app().app_context():
        start_converters()


def on_exit(server):
    from forms_service import create_app
    from forms_service.rendering.service import converter

    with create_app().app_context():
        converter().shutdown()
