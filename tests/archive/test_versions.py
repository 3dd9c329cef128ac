"""Versions: a new version is a new record that supersedes the old one, which is never
rewritten; the history lists v1 … vn with who superseded each and why; the diff names the
fields that changed."""

import pytest
from sqlalchemy import select

from forms_service.archive import service as archive
from forms_service.archive.models import ArchiveSupersession
from forms_service.archive.versions import compare, history, supersede
from forms_service.errors import InvalidInput, NotFound, RuleViolation
from forms_service.extensions import db
from tests.conftest import CONSENT


def test_superseding_adds_a_fact_and_leaves_the_old_record_untouched(world, make_record):
    v1 = make_record()
    v2 = make_record(supersedes=v1, data={**CONSENT, "purpose": "Housing and benefits."})
    fingerprint = archive.record_hash(v1)
    supersede(world.actor(world.case_manager), v1, v2, "Updated purpose after review")
    db.session.commit()
    db.session.expire_all()
    assert archive.record_hash(v1) == fingerprint == v1.record_sha256
    fact = db.session.execute(select(ArchiveSupersession)).scalar_one()
    assert (fact.record_id, fact.by_record_id, fact.user_id, fact.reason) == (
        v1.id,
        v2.id,
        world.case_manager.id,
        "Updated purpose after review",
    )
    assert [d for d in archive.verify_records() if d.kind == "record"] == []  # unsealed test PDFs


def test_history_lists_every_version_with_who_superseded_it_and_why(world, make_record):
    v1 = make_record()
    v2 = make_record(supersedes=v1)
    v3 = make_record(supersedes=v2)
    actor = world.actor(world.records)
    supersede(actor, v1, v2, "30-day review")
    supersede(actor, v2, v3, "Moved to permanent housing")
    for record in (v1, v2, v3):
        versions = history(actor, str(record.id))
        assert [v.record.version for v in versions] == [1, 2, 3]
        assert [v.status for v in versions] == ["superseded", "superseded", "active"]
        assert [v.superseded.reason if v.superseded else None for v in versions] == [
            "30-day review",
            "Moved to permanent housing",
            None,
        ]


def test_only_the_next_version_of_the_same_document_can_supersede(world, make_record):
    actor = world.actor(world.records)
    v1 = make_record()
    unrelated = make_record()
    v2 = make_record(supersedes=v1)
    with pytest.raises(RuleViolation, match="not the next version"):
        supersede(actor, v1, unrelated, "wrong")
    with pytest.raises(RuleViolation, match="not the next version"):
        supersede(actor, v2, v1, "backwards")
    with pytest.raises(InvalidInput):
        supersede(actor, v1, v2, "  ")
    supersede(actor, v1, v2, "right")
    with pytest.raises(RuleViolation, match="already superseded"):
        supersede(actor, v1, v2, "twice")
    with pytest.raises(NotFound):
        supersede(world.actor(world.other_records), v1, v2, "stranger")


def test_the_diff_names_each_changed_field_with_both_values(world, make_record):
    v1 = make_record()
    changed = {**CONSENT, "purpose": "Housing and benefits.", "categories": ["housing"]}
    v2 = make_record(supersedes=v1, data=changed)
    actor = world.actor(world.records)
    supersede(actor, v1, v2, "Narrowed")
    changes = compare(actor, str(v2.id), str(v1.id))
    assert [(c.field, c.label, c.old, c.new) for c in changes] == [
        ("categories", "What information may be shared", "housing, income", "housing"),
        (
            "purpose",
            "Why it is shared (purpose)",
            "To apply for permanent supportive housing.",
            "Housing and benefits.",
        ),
    ]
    assert compare(actor, str(v1.id), str(v2.id)) == changes  # older always on the left
    with pytest.raises(InvalidInput):
        compare(actor, str(v1.id), str(make_record().id))  # not a version of this document
