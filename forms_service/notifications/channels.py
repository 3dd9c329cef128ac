"""The ways a message leaves: e-mail through an SMTP server, SMS through a provider's HTTP API.
Each channel sends one message or raises `SendFailed` with a reason an operator can act on."""

import base64
import json
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

TIMEOUT = 20  # seconds for one connection to a mail server or an SMS provider


class SendFailed(Exception):
    """Not sent. `permanent`: trying again will not help (a refused address, wrong settings)."""

    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class NotConfigured(SendFailed):
    def __init__(self, reason: str):
        super().__init__(reason, permanent=True)


@dataclass(frozen=True)
class Outgoing:
    to: str
    subject: str
    body: str


class Sender(Protocol):
    def send(self, message: Outgoing) -> str | None:
        """Send now; the provider's id of the message, when it gives one."""


@dataclass(frozen=True)
class SmtpSender:
    """`smtp://user:pass@host:587`: STARTTLS, required (`?starttls=off` only for a relay on
    this machine that speaks no TLS); `smtps://host:465`: TLS from the first byte."""

    url: str
    sender: str
    ca_file: str | None = None

    def _connect(self) -> smtplib.SMTP:
        parts = urllib.parse.urlsplit(self.url)
        options = dict(urllib.parse.parse_qsl(parts.query))
        context = ssl.create_default_context(cafile=self.ca_file or None)
        host = parts.hostname or ""
        if parts.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(host, parts.port or 465, timeout=TIMEOUT, context=context)
        elif parts.scheme == "smtp":
            if options.get("starttls") == "off" and host not in ("localhost", "127.0.0.1", "::1"):
                raise NotConfigured("starttls=off is only allowed for a relay on localhost")
            smtp = smtplib.SMTP(host, parts.port or 587, timeout=TIMEOUT)
        else:
            raise NotConfigured("FORMS_SMTP_URL must start with smtp:// or smtps://")
        try:
            if parts.scheme == "smtp" and options.get("starttls") != "off":
                smtp.ehlo()
                if not smtp.has_extn("starttls"):
                    raise NotConfigured(f"the mail server {host} does not offer STARTTLS")
                smtp.starttls(context=context)
            if parts.username:
                smtp.login(
                    urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")
                )
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: Outgoing) -> str | None:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.to
        mail["Subject"] = message.subject
        mail["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        mail.set_content(message.body)
        try:
            with self._connect() as smtp:
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendFailed(f"the mail server refused {message.to}: {exc}", True) from exc
        except smtplib.SMTPAuthenticationError as exc:
            reason = f"the mail server refused the user name or password: {exc}"
            raise SendFailed(reason, True) from exc
        except ssl.SSLCertVerificationError as exc:
            raise SendFailed(f"the mail server's certificate is not trusted: {exc}", True) from exc
        except (smtplib.SMTPException, OSError) as exc:  # a timeout is an OSError
            raise SendFailed(f"the mail server could not be reached or refused: {exc}") from exc
        return mail["Message-ID"]


@dataclass(frozen=True)
class TwilioSms:
    """Twilio's Messages API: POST {url}/2010-04-01/Accounts/{account}/Messages.json with the
    account and token as basic auth; the answer's `sid` is the message's id."""

    url: str
    account: str
    token: str
    sender: str

    def send(self, message: Outgoing) -> str | None:
        address = (
            f"{self.url.rstrip('/')}/2010-04-01/Accounts/"
            f"{urllib.parse.quote(self.account)}/Messages.json"
        )
        if not address.startswith(("https://", "http://")):
            raise NotConfigured("FORMS_SMS_URL must start with https://")
        data = urllib.parse.urlencode(
            {"To": message.to, "From": self.sender, "Body": message.body}
        ).encode()
        credentials = base64.b64encode(f"{self.account}:{self.token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            address, data=data, headers={"Authorization": f"Basic {credentials}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                return json.loads(response.read() or b"{}").get("sid")
        except urllib.error.HTTPError as exc:
            reason = _provider_reason(exc)
            # 429 and 5xx pass; any other refusal (a bad number, wrong credentials) stays
            permanent = exc.code != 429 and exc.code < 500
            raise SendFailed(f"the SMS provider answered {exc.code}: {reason}", permanent) from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise SendFailed(f"the SMS provider could not be reached: {exc}") from exc


def _provider_reason(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read() or b"{}")
    except ValueError:
        return exc.reason or ""
    return str(body.get("message") or exc.reason or "")


SMS_PROVIDERS = {"twilio": TwilioSms}


def email_sender(config) -> SmtpSender:
    if not config["SMTP_URL"]:
        raise NotConfigured("e-mail is not set up: FORMS_SMTP_URL is empty")
    return SmtpSender(config["SMTP_URL"], config["MAIL_FROM"], config["SMTP_CA_FILE"])


def sms_sender(config) -> Sender:
    if not config["SMS_URL"]:
        raise NotConfigured("text messages are not set up: FORMS_SMS_URL is empty")
    provider = SMS_PROVIDERS.get(config["SMS_PROVIDER"])
    if provider is None:
        raise NotConfigured(f"FORMS_SMS_PROVIDER must be one of {', '.join(SMS_PROVIDERS)}")
    if not (config["SMS_ACCOUNT"] and config["SMS_TOKEN"] and config["SMS_FROM"]):
        raise NotConfigured("FORMS_SMS_ACCOUNT, FORMS_SMS_TOKEN and FORMS_SMS_FROM are needed")
    return provider(
        config["SMS_URL"], config["SMS_ACCOUNT"], config["SMS_TOKEN"], config["SMS_FROM"]
    )
