"""One POST to a webhook endpoint: signed, within 10 seconds, to an address checked after it
is resolved and then connected to as checked (a name that resolves elsewhere the second time,
DNS rebinding, cannot turn it towards this machine's network), and never following a
redirect. Private, loopback and other non-public addresses are refused unless the operator
allows their network (`FORMS_WEBHOOKS_ALLOW_PRIVATE`)."""

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass

TIMEOUT = 10  # seconds to connect, and for each read of the answer
SIGNATURE_HEADER = "X-Forms-Signature"


class Refused(Exception):
    """The address may not be called: trying again will not help."""


def signature(secret: str, body: bytes, at: int) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "{t}.{body}">`."""
    digest = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def allowed_networks(setting: str) -> list:
    """The networks of `FORMS_WEBHOOKS_ALLOW_PRIVATE`, e.g. "127.0.0.1/32,10.1.0.0/16"."""
    return [ipaddress.ip_network(n.strip(), strict=False) for n in setting.split(",") if n.strip()]


def _public(address) -> bool:
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def check_url(url: str) -> urllib.parse.SplitResult:
    """An http(s) address with a host and no credentials in it."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise Refused("the address must start with https:// and name a host")
    if parts.username or parts.password:
        raise Refused("the address must not carry a user name or password")
    return parts


def resolve(url: str, allowed: list) -> tuple[urllib.parse.SplitResult, str]:
    """The address's parts and the IP address to connect to: every address the name resolves
    to must be public, or in a network the operator allowed; plain http only to those."""
    parts = check_url(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConnectionError(f"{parts.hostname} could not be resolved: {exc}") from exc
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        inside = any(address in network for network in allowed)
        if not inside and not _public(address):
            raise Refused(f"{parts.hostname} resolves to {address}, which is not a public address")
        if parts.scheme == "http" and not inside:
            raise Refused("plain http:// is only allowed to an address the operator allowed")
    return parts, str(addresses[0])


class _Pinned(http.client.HTTPConnection):
    """Connects to the checked address while naming the host in the request."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    """Connects to the checked address and verifies the certificate of the named host."""

    def __init__(self, host, port, address, timeout, context):
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class Answer:
    status: int
    ms: int


def post(url: str, body: bytes, secret: str, allowed: list, user_agent: str) -> Answer:
    """POST the signed body; the answer's status (a redirect is not followed), or
    ConnectionError / Refused."""
    parts, address = resolve(url, allowed)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if parts.scheme == "https":
        context = ssl.create_default_context()
        connection = _PinnedTLS(parts.hostname, port, address, TIMEOUT, context)
    else:
        connection = _Pinned(parts.hostname, port, address, TIMEOUT)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": user_agent,
        SIGNATURE_HEADER: signature(secret, body, int(time.time())),
    }
    started = time.monotonic()
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)  # enough to close cleanly; what it says is not kept
        return Answer(response.status, int((time.monotonic() - started) * 1000))
    except (OSError, http.client.HTTPException) as exc:  # a timeout is an OSError
        raise ConnectionError(f"{parts.hostname}: {exc or type(exc).__name__}") from exc
    finally:
        connection.close()
