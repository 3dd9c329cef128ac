"""No signed document is ever lost or filed twice, even when a LibreOffice converter is
killed in the middle of a batch (real LibreOffice, real kill -9)."""

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forms_service.archive.models import ArchiveRecord
from forms_service.documents.models import Document, DocumentStatus
from forms_service.extensions import db
from forms_service.rendering.models import RenderJob
from forms_service.rendering.queue import _run_in_app
from forms_service.rendering.resources import converter
from tests.conftest import sign_consent

pytestmark = pytest.mark.soffice
BATCH = 50


def is_converter(pid: int) -> bool:
    """soffice.bin does the work; oosplash only launches it."""
    return Path(f"/proc/{pid}/comm").read_text().strip() == "soffice.bin"


# A converter fault, not a database rule: run once (SQLite) to keep the suite fast.
@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_killing_a_converter_mid_batch_loses_no_document(app, world, consent_document):
    jobs = [sign_consent(world, consent_document)[1].id for _ in range(BATCH)]
    pool = converter()
    with ThreadPoolExecutor(max_workers=2) as runners:
        futures = [runners.submit(_run_in_app, app, job_id) for job_id in jobs]
        while sum(f.done() for f in futures) < 10:
            time.sleep(0.05)
        victims = [pid for slot in pool.stats() for pid in slot.soffice_pids if is_converter(pid)]
        assert victims, "no LibreOffice process to kill"
        os.kill(victims[0], signal.SIGKILL)
        results = [f.result(timeout=300) for f in futures]
    db.session.expire_all()
    failed = [job_id for job_id, ok in zip(jobs, results, strict=True) if not ok]
    assert results == [True] * BATCH, [db.session.get(RenderJob, j).error for j in failed]
    archived = db.session.scalar(
        select(func.count()).select_from(Document).where(Document.status == DocumentStatus.ARCHIVED)
    )
    assert archived == BATCH
    per_document = db.session.execute(
        select(ArchiveRecord.document_id, func.count()).group_by(ArchiveRecord.document_id)
    ).all()
    assert len(per_document) == BATCH and {n for _, n in per_document} == {1}
