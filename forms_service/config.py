"""Settings, read once from the environment; the defaults run the embedded service
(SQLite and files under the instance folder)."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me"}


def instance_path() -> Path:
    """The runtime folder: `FORMS_INSTANCE`, else `instance/` in the working directory."""
    return Path(os.environ.get("FORMS_INSTANCE", "instance")).resolve()


def load_secret_key(folder: Path) -> str:
    """`FORMS_SECRET_KEY`, else `secret_key` in the instance folder, created on first use."""
    key = os.environ.get("FORMS_SECRET_KEY")
    if key:
        return key
    path = folder / "secret_key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def rate_limit_storage(config) -> str:
    """Where the rate limits are counted, in words for `forms-service init` (no password)."""
    uri = urlsplit(config["RATELIMIT_STORAGE_URI"])
    if uri.scheme == "memory":
        return (
            "memory:// (each worker counts on its own; "
            "FORMS_RATELIMIT_STORAGE_URI=redis://... shares the limits)"
        )
    host = uri.hostname or ""
    return f"{uri.scheme}://{host}{f':{uri.port}' if uri.port else ''}{uri.path} (shared)"


class Config:
    """Production-shaped defaults; every value can be overridden by `FORMS_<NAME>`."""

    TESTING = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Cookies only over HTTPS; `make run` serves plain HTTP on 127.0.0.1 and turns it off.
    SESSION_COOKIE_SECURE = os.environ.get("FORMS_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024  # a PDF uploaded to the verification page
    # The scan of a form signed on paper; under MAX_CONTENT_LENGTH, so the page names the limit
    PAPER_SCAN_MAX_BYTES = int(os.environ.get("FORMS_PAPER_SCAN_MAX_MB", "20")) * 1024 * 1024
    VERIFY_RATE_LIMIT = os.environ.get("FORMS_VERIFY_RATE_LIMIT", "20 per minute")
    # Where rate limits are counted: Redis is shared by every worker and machine; memory://
    # counts in each worker (two workers let through twice the limit). `forms-service init`
    # says which one is used.
    RATELIMIT_STORAGE_URI = os.environ.get("FORMS_RATELIMIT_STORAGE_URI") or (
        os.environ.get("FORMS_CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
        if os.environ.get("FORMS_RENDER_QUEUE") == "celery"
        else "memory://"
    )
    RATELIMIT_KEY_PREFIX = os.environ.get("FORMS_RATELIMIT_KEY_PREFIX", "forms-service")
    LOGIN_RATE_LIMIT = os.environ.get("FORMS_LOGIN_RATE_LIMIT", "10 per minute")
    # Wrong sign-ins to one account from any number of addresses.
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("FORMS_LOGIN_ACCOUNT_RATE_LIMIT", "20 per hour")
    # One-time signing links: how long one works, and how often one address may try an
    # identity answer (each link also locks after 5 wrong answers).
    REMOTE_LINK_HOURS = int(os.environ.get("FORMS_REMOTE_LINK_HOURS", "72"))
    REMOTE_RATE_LIMIT = os.environ.get("FORMS_REMOTE_RATE_LIMIT", "10 per minute")
    API_RATE_LIMIT = os.environ.get("FORMS_API_RATE_LIMIT", "120 per minute")  # per API token
    REMOTE_OPEN_RATE_LIMIT = os.environ.get("FORMS_REMOTE_OPEN_RATE_LIMIT", "60 per minute")
    # Behind a reverse proxy: how many to trust for the client's address, scheme and host (a
    # signature's recorded IP must be the signer's, not the proxy's). 0: none, served directly.
    PROXY_HOPS = int(os.environ.get("FORMS_PROXY_HOPS", "0"))
    # The address clients reach the service at (e.g. https://forms.example.org): one-time
    # links are built on it rather than on the Host a request names.
    PUBLIC_URL = os.environ.get("FORMS_PUBLIC_URL", "")
    # Outgoing messages. E-mail: smtp://user:pass@host:587 (STARTTLS) or smtps://host:465;
    # SMS: the provider's API address (Twilio's: https://api.twilio.com) and its credentials.
    SMTP_URL = os.environ.get("FORMS_SMTP_URL", "")
    SMTP_CA_FILE = os.environ.get("FORMS_SMTP_CA_FILE")  # a private CA for the mail server
    MAIL_FROM = os.environ.get("FORMS_MAIL_FROM", "forms@localhost")
    SMS_URL = os.environ.get("FORMS_SMS_URL", "")
    SMS_PROVIDER = os.environ.get("FORMS_SMS_PROVIDER", "twilio")
    SMS_ACCOUNT = os.environ.get("FORMS_SMS_ACCOUNT", "")
    SMS_TOKEN = os.environ.get("FORMS_SMS_TOKEN", "")
    SMS_FROM = os.environ.get("FORMS_SMS_FROM", "")  # the number (or sender id) messages come from
    # Webhook endpoints may only be at public addresses, unless in these networks (comma
    # separated, e.g. "10.1.0.0/16" for a receiver on the agency's own network): the operator's
    # choice, since an agency admin of a shared instance must not reach the host's network.
    WEBHOOKS_ALLOW_PRIVATE = os.environ.get("FORMS_WEBHOOKS_ALLOW_PRIVATE", "")
    # A signing link sent by message is sent again after this many hours while it still works
    # (twice at most).
    REMINDER_HOURS = int(os.environ.get("FORMS_REMINDER_HOURS", "24"))
    # Staff are told of a form owed on paper (or declined) this many days after it was sent.
    OWED_NOTICE_DAYS = int(os.environ.get("FORMS_OWED_NOTICE_DAYS", "7"))
    # A staff session ends after this long without activity (a page warns STAFF_IDLE_WARN
    # seconds before; a fraction of a minute is for tests) and, whatever the activity, this
    # long after signing in.
    STAFF_IDLE_MINUTES = float(os.environ.get("FORMS_STAFF_IDLE_MINUTES", "30"))
    STAFF_IDLE_WARN = 120
    STAFF_SESSION_HOURS = int(os.environ.get("FORMS_STAFF_SESSION_HOURS", "8"))
    KIOSK_TIMEOUT = int(os.environ.get("FORMS_KIOSK_TIMEOUT", "180"))  # seconds of inactivity
    SOFFICE = os.environ.get("FORMS_SOFFICE", "soffice")
    # "pool": warm LibreOffice processes shared by every worker process of this machine;
    # "cold": one soffice start per document (slow; for debugging).
    CONVERTER = os.environ.get("FORMS_CONVERTER", "pool")
    CONVERTERS = int(os.environ.get("FORMS_CONVERTERS", str(os.cpu_count() or 2)))
    # A converter whose LibreOffice processes grow past this is replaced after its document:
    # LibreOffice grows with what it converts (2 converters, 1,000 consents: 221 MB at 100,
    # 301 at 500, 312 at 900), a fresh one is ready in 2 s, and the other converts meanwhile.
    CONVERTER_MAX_RSS_MB = int(os.environ.get("FORMS_CONVERTER_MAX_RSS_MB", "260"))
    # ... and one that has converted this many documents (0: never), in the background.
    CONVERTER_MAX_JOBS = int(os.environ.get("FORMS_CONVERTER_MAX_JOBS", "500"))
    # Converter i prefers ports base+2i and base+2i+1 and takes the next free pair if taken.
    CONVERTER_BASE_PORT = int(os.environ.get("FORMS_CONVERTER_BASE_PORT", "2003"))
    # The web service keeps its converters warm for all its workers (gunicorn stops them when it
    # stops); a `forms-service` command's converters end with it (cli.py turns this on).
    CONVERTERS_END_WITH_PROCESS = False
    SEAL_PKCS12 = os.environ.get("FORMS_SEAL_PKCS12")  # an agency's own (CA-issued) seal
    SEAL_PASSPHRASE = os.environ.get("FORMS_SEAL_PASSPHRASE")
    # An RFC 3161 timestamp authority: seals are then PAdES B-LT; its root certificate(s), PEM
    # files separated by commas, for the validation data; seconds to wait for its answer.
    TSA_URL = os.environ.get("FORMS_TSA_URL", "")
    TSA_CERTIFICATE = os.environ.get("FORMS_TSA_CERTIFICATE", "")
    TSA_TIMEOUT = int(os.environ.get("FORMS_TSA_TIMEOUT", "10"))
    CONVERT_TIMEOUT = int(os.environ.get("FORMS_CONVERT_TIMEOUT", "30"))
    RENDER_QUEUE = os.environ.get("FORMS_RENDER_QUEUE", "threads")
    # Convert a document's form while it waits for its signatures (rendering/prepared.py), so
    # the last signature waits for no conversion; "0" turns it off. Never in the `inline` queue:
    # the request that sends the form would wait for it.
    PREPARE_BEFORE_SIGNING = os.environ.get("FORMS_PREPARE_BEFORE_SIGNING", "1") != "0"
    # A signed checkpoint of each agency's chains, beside the blobs, at least this often when
    # they moved (the periodic work, `rendering.schedule`); also on every filing.
    CHECKPOINT_MINUTES = int(os.environ.get("FORMS_CHECKPOINT_MINUTES", "10"))
    # Stored files no record names (a render killed before its commit) are deleted after this.
    UNREFERENCED_GRACE_HOURS = int(os.environ.get("FORMS_UNREFERENCED_GRACE_HOURS", "24"))
    RENDER_THREADS = int(os.environ.get("FORMS_RENDER_THREADS", str(os.cpu_count() or 2)))
    CELERY_BROKER_URL = os.environ.get("FORMS_CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    CELERY_QUEUE = os.environ.get("FORMS_CELERY_QUEUE", "celery")  # instances on one Redis differ

    def __init__(self, folder: Path):
        self.SECRET_KEY = load_secret_key(folder)
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "FORMS_DATABASE_URL", f"sqlite:///{folder / 'forms.db'}"
        )
        self.ARCHIVE_DIR = os.environ.get("FORMS_ARCHIVE_DIR", str(folder / "archive"))
        self.CONVERTER_WORK_DIR = str(folder / "converters")
        # Every machine that seals or verifies uses the same keys: share this folder with the
        # render machines (a read-mostly mount), as their archive storage is shared.
        self.SEAL_KEY_DIR = os.environ.get("FORMS_SEAL_KEY_DIR", str(folder / "keys"))
        # Under gunicorn, in threads mode, the documents are filed by a render process of their
        # own (rendering/local.py) that gunicorn's master starts: gunicorn_conf.py sets this
        # after this module is imported, so it is read here ("0" keeps them in the workers).
        self.RENDER_PROCESS = os.environ.get("FORMS_RENDER_PROCESS") == "1"

    @staticmethod
    def check(config) -> None:
        """Refuse to run with a guessable secret key outside tests."""
        key = config["SECRET_KEY"]
        if not config["TESTING"] and (key.lower() in WEAK_SECRETS or len(key) < 32):
            raise RuntimeError("FORMS_SECRET_KEY is too weak: use at least 32 random characters")
