"""A form type's spec may change shape, never what its documents say: every shipped template
version in every language renders its form's example (on a fixed day) to the same
word/document.xml, byte for byte, as recorded in spec_fidelity.json.

After a change that is MEANT to alter a document (a new rule, a new template version), record
the new texts with `FORMS_RECORD_FIDELITY=1 pytest tests/forms/test_spec_fidelity.py` and say
why in the commit."""

import dataclasses
import hashlib
import io
import json
import os
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine

from forms_service.forms import get_form_type
from forms_service.rendering import preview
from forms_service.rendering.resources import template_store
from forms_service.rendering.service import render_docx

RECORDED = Path(__file__).with_name("spec_fidelity.json")
# A fixed moment: the examples' "today" (St. Louis) is 2026-11-25 whatever the real date.
FIXED = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)


def document_xml_hashes() -> dict[str, str]:
    """ "type/version/language" -> sha256 of the rendered example's word/document.xml."""
    store, hashes = template_store(), {}
    with time_machine.travel(FIXED, tick=False):
        for name in store.form_types():
            form_type = get_form_type(name)
            payload = preview.example_payload(form_type)
            for version in store.versions(name):
                for language in version.languages:
                    inp = preview.example_input(form_type, payload, language)
                    inp = dataclasses.replace(inp, created_on=date(2026, 11, 25))
                    docx = render_docx(store.load(version, language), inp, version)
                    with zipfile.ZipFile(io.BytesIO(docx)) as parts:
                        xml = parts.read("word/document.xml")
                    key = f"{name}/{version.number}/{language}"
                    hashes[key] = hashlib.sha256(xml).hexdigest()
    return hashes


def test_every_shipped_template_renders_its_example_to_the_recorded_text(bare_app):
    hashes = document_xml_hashes()
    if os.environ.get("FORMS_RECORD_FIDELITY"):
        RECORDED.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n")
        pytest.skip("recorded")
    recorded = json.loads(RECORDED.read_text())
    changed = sorted(key for key in recorded if hashes.get(key) != recorded[key])
    assert changed == [], f"these documents no longer render as recorded: {changed}"
