"""Build the default Word template for ``grievance_response`` version 1 (English).

    .venv/bin/python scripts/templates/grievance_response_v1.py

Writes ``form_templates/grievance_response/1/en.docx`` and its sha256 in the manifest; the
look and the deterministic build are shared (``_docx.py``; read its rules before editing).

The content follows seed 000 ("Client Grievance Process": a written, signed response; the
CoC Governance & Membership Committee) and names the outside routes (HUD FHEO, HHS OCR).
See /work/shared/domain/RULES.md.
"""

from __future__ import annotations

import sys

import texts
from _docx import (
    TEXT_W_IN,
    Template,
    intro_box,
    key_value_table,
    loop_table,
    main,
    para,
    signature_table,
    spacer,
    title_block,
)
from texts_grievance_response import GRIEVANCE_RESPONSE

TEMPLATE = Template("grievance_response", "Response to Grievance")
B = {"bold": True}


def build_body(doc) -> None:
    title_block(
        doc,
        (
            "Answer to grievance ",
            "{{ response.grievance_number }}",
            ". Date of this answer: ",
            "{{ response.response_date }}",
            ".",
        ),
    )
    intro_box(
        doc,
        "Our answer to your complaint",
        (
            "This is the written answer of ",
            "{{ agency.name }}",
            " to the complaint (grievance) you made on ",
            "{{ response.grievance_filed_on }}",
            ". Our decision: ",
            ("{{ response.outcome }}", B),
            ".",
        ),
    )

    para(doc, "About you", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Your name", "{{ client.full_name }}"),
            ("Case number", "{{ case.number }}"),
            ("Grievance number", (("{{ response.grievance_number }}", B),)),
            ("Grievance received", "{{ response.grievance_filed_on }}"),
        ],
    )

    para(doc, "Your complaint", style="Heading 1")
    para(doc, ("{{ response.grievance_summary }}",), style="Client Words")

    para(doc, "What we found", style="Heading 1")
    para(doc, ("{{ response.findings }}",), style="Client Words")

    para(doc, "Our decision", style="Heading 1")
    para(doc, (("{{ response.outcome }}", B), (".", B)))

    para(doc, "What we will do", style="Heading 1")
    para(doc, ("{{ response.actions }}",), style="Client Words")

    para(doc, "If you are not satisfied", style="Heading 1")
    para(
        doc,
        "You will not be punished for making a complaint. If you are not satisfied with this "
        "answer, you can contact:",
        keep_next=True,
    )
    para(doc, "Continuum of Care Governance & Membership Committee", style="Heading 2")
    para(doc, ("{{ response.coc_contact }}",), style="Client Words", keep_next=True)
    loop_table(
        doc,
        ("Office", "For", "Contact"),
        [2.3, 2.5, TEXT_W_IN - 4.8],
        "for r in response.outside_routes",
        [(("{{ r.name }}", B),), ("{{ r.about }}",), ("{{ r.contact }}",)],
    )

    para(doc, "Signature", style="Heading 1")
    para(doc, "Answered and signed by:", keep_next=True)
    signature_table(doc)
    spacer(doc, 4)
    para(
        doc,
        (
            "Questions? Call ",
            "{{ agency.phone }}",
            ". You get a copy of this answer. Document ",
            "{{ document.id }}",
            ".",
        ),
        style="Form Small",
    )


if __name__ == "__main__":
    sys.exit(main(TEMPLATE, build_body, texts.for_template(GRIEVANCE_RESPONSE)))
