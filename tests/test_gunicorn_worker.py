"""The web worker's sign-in lane: which requests take it, read without being taken."""

import socket

import pytest

from forms_service.gunicorn_worker import signs_in


@pytest.mark.parametrize(
    ("request_line", "lane"),
    [
        (b"POST /login HTTP/1.1\r\n", True),
        (b"GET /login?next=%2F HTTP/1.1\r\n", True),
        (b"POST /login/agency HTTP/1.1\r\n", True),  # the same person in several agencies
        (b"GET /s/abc HTTP/1.1\r\n", False),
        (b"POST /documents/1/sign/2 HTTP/1.1\r\n", False),
        (b"\x16\x03\x01\x02\x00", False),  # a TLS handshake: nothing to read in it
    ],
)
def test_a_request_is_sent_to_its_lane_and_left_whole_on_its_socket(request_line, lane):
    server, client = socket.socketpair()
    with server, client:
        client.sendall(request_line)
        assert signs_in(server) is lane
        assert server.recv(1024) == request_line


def test_a_connection_with_nothing_sent_yet_takes_the_pages_lane():
    server, client = socket.socketpair()
    with server, client:
        assert signs_in(server) is False
