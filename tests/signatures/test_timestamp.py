"""A seal with an RFC 3161 timestamp and its validation data (PAdES B-LT), from a timestamp
authority on 127.0.0.1; one that does not answer is an error, never a seal without it."""

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

from forms_service.keys import ensure_agency_seal_key
from signatures.seal import TimestampUnavailable, check_seal, load_signer, seal_pdf
from tests.archive.conftest import tiny_pdf
from tests.signatures.tsa import LocalTSA


@pytest.fixture(scope="module")
def tsa(tmp_path_factory):
    tsa = LocalTSA(tmp_path_factory.mktemp("tsa"))
    yield tsa
    tsa.stop()


@pytest.fixture(scope="module")
def agency(tmp_path_factory):
    key = ensure_agency_seal_key(tmp_path_factory.mktemp("keys"), "a1", "Gateway Housing")
    return load_signer(key, key.with_name("seal.crt")), key.with_name("seal.crt")


def test_a_timestamped_seal_carries_the_authoritys_time_and_its_validation_data(tsa, agency):
    signer, cert = agency
    sealed = seal_pdf(
        tiny_pdf(1, "stamped"),
        signer,
        reason="test",
        location="",
        timestamper=RequestsHTTPTimeStamper(tsa.url),
        timestamp_roots=[tsa.root],
    )
    assert tsa.requests >= 1
    check = check_seal(sealed, [cert, tsa.root])
    assert check.ok, check.problems  # intact: the validation data is in the sealed revision
    assert check.signer == "Gateway Housing" and check.timestamped_at is not None
    dss = PdfFileReader(io.BytesIO(sealed)).root["/DSS"]
    assert len(dss["/Certs"]) >= 2  # the seal's and the authority's certificates (B-LT)


def test_a_seal_without_a_timestamper_has_no_timestamp(agency):
    signer, cert = agency
    check = check_seal(seal_pdf(tiny_pdf(1, "plain"), signer, reason="t", location=""), [cert])
    assert check.ok and check.timestamped_at is None


def test_a_timestamp_authority_that_does_not_answer_is_an_error(tmp_path, agency):
    gone = LocalTSA(tmp_path)
    gone.stop()  # nothing listens on its port any more
    with pytest.raises(TimestampUnavailable):
        seal_pdf(
            tiny_pdf(1, "unanswered"),
            agency[0],
            reason="test",
            location="",
            timestamper=RequestsHTTPTimeStamper(gone.url, timeout=2),
            timestamp_roots=[gone.root],
        )
