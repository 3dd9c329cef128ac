"""forms-service: case-management forms signed on a tablet, rendered from versioned DOCX
templates and filed in an append-only archive."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import Config, instance_path

REPO_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    folder = Path((config or {}).get("INSTANCE_PATH") or instance_path())
    app = Flask(__name__, instance_path=str(folder), instance_relative_config=True)
    settings = Config(folder)
    app.config.from_object(settings)
    app.config.update(
        TEMPLATES_DIR=str(REPO_ROOT / "form_templates"),
        CONVERTER_PROFILE_DIR=str(folder / "converter-profile"),  # the "cold" converter's
    )
    app.config.update(config or {})
    Config.check(app.config)
    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    folder.mkdir(parents=True, exist_ok=True)

    from . import database, i18n, web
    from .extensions import csrf, db, limiter, login_manager
    from .rendering import queue

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    database.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    queue.init_app(app)

    from .accounts.views import bp as accounts_bp
    from .api.admin import bp as api_admin_bp
    from .api.views import bp as api_bp
    from .archive.views import bp as archive_bp
    from .bulk.views import bp as bulk_bp
    from .cases.views import bp as cases_bp
    from .documents.copy_views import bp as copies_bp
    from .documents.views import bp as documents_bp
    from .hmis.views import bp as hmis_bp
    from .notifications.views import bp as notifications_bp
    from .programs.views import bp as programs_bp
    from .signing.remote_views import bp as remote_bp
    from .signing.views import bp as signing_bp
    from .templates_admin.views import bp as templates_admin_bp
    from .webhooks.views import bp as webhooks_bp
    from .workflows.views import bp as workflows_bp

    for blueprint in (
        accounts_bp,
        cases_bp,
        documents_bp,
        signing_bp,
        remote_bp,
        archive_bp,
        workflows_bp,
        programs_bp,
        notifications_bp,
        templates_admin_bp,
        copies_bp,
        api_bp,
        api_admin_bp,
        bulk_bp,
        webhooks_bp,
        hmis_bp,
    ):
        app.register_blueprint(blueprint)
    return app
