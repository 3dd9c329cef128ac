"""Build the default Word template for ``grievance`` version 1 (English).

    .venv/bin/python scripts/templates/grievance_v1.py

Writes ``form_templates/grievance/1/en.docx`` and its sha256 in the manifest; the look and
the deterministic build are shared (``_docx.py``; read its rules before editing).

The content follows seed 000 ("Client Grievance Process": written grievance, filed alone or
with the case manager's help, the CoC Governance & Membership Committee) and names the
outside routes (HUD FHEO, HHS OCR). See /work/shared/domain/RULES.md.
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
    tag,
    title_block,
)
from texts_grievance import GRIEVANCE

TEMPLATE = Template("grievance", "Grievance")
B = {"bold": True}


def build_body(doc) -> None:
    title_block(
        doc,
        (
            "Grievance number ",
            "{{ grievance.number }}",
            ". Received ",
            "{{ grievance.filed_on }}",
            ".",
        ),
    )
    intro_box(
        doc,
        "Your complaint",
        (
            "This is your written complaint (grievance) to ",
            "{{ agency.name }}",
            ". We will answer you in writing by ",
            ("{{ grievance.response_due }}", B),
            ". ",
            ("You will not be punished for making a complaint", B),
            ", and your services will not change because you complained.",
        ),
    )

    para(doc, "About you", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Your name", "{{ client.full_name }}"),
            ("Case number", "{{ case.number }}"),
            ("Grievance number", (("{{ grievance.number }}", B),)),
            (
                "Filed by",
                (
                    "{% if grievance.with_help %}",
                    "You, with help from ",
                    "{{ grievance.helper_name }}",
                    "{% else %}",
                    "You",
                    "{% endif %}",
                ),
            ),
        ],
    )

    para(doc, "What happened", style="Heading 1")
    para(doc, ("{{ grievance.what_happened }}",), style="Client Words")
    key_value_table(
        doc,
        [
            ("{%tr if grievance.when_where %}", ""),
            ("When and where", "{{ grievance.when_where }}"),
            ("{%tr endif %}", ""),
            ("{%tr if grievance.people_involved %}", ""),
            ("People involved", "{{ grievance.people_involved }}"),
            ("{%tr endif %}", ""),
        ],
    )
    spacer(doc, 3)
    tag(doc, "{%p if grievance.outcome_wanted %}")
    para(doc, "What you would like to happen", style="Heading 2")
    para(doc, ("{{ grievance.outcome_wanted }}",), style="Client Words")
    tag(doc, "{%p endif %}")

    para(doc, "Our answer", style="Heading 1")
    key_value_table(
        doc,
        [
            ("We answer in writing by", (("{{ grievance.response_due }}", B),)),
            (
                "Language",
                (
                    "{{ grievance.language }}",
                    "{% if grievance.interpreter %}",
                    ", with an interpreter",
                    "{% endif %}",
                ),
            ),
            ("{%tr if grievance.accommodations %}", ""),
            ("Help you asked for", "{{ grievance.accommodations }}"),
            ("{%tr endif %}", ""),
            ("{%tr if grievance.how_to_reach %}", ""),
            ("How you get the answer", "{{ grievance.how_to_reach }}"),
            ("{%tr endif %}", ""),
        ],
    )
    spacer(doc, 3)
    para(doc, "Your case manager can explain the grievance process and help you at any step.")

    para(doc, "Other places you can go", style="Heading 1")
    para(
        doc,
        "You can ask for help from, or complain to, these places at any time, before or "
        "after our answer:",
        keep_next=True,
    )
    para(doc, "Continuum of Care Governance & Membership Committee", style="Heading 2")
    para(doc, ("{{ grievance.coc_contact }}",), style="Client Words", keep_next=True)
    loop_table(
        doc,
        ("Office", "For", "Contact"),
        [2.3, 2.5, TEXT_W_IN - 4.8],
        "for r in grievance.outside_routes",
        [(("{{ r.name }}", B),), ("{{ r.about }}",), ("{{ r.contact }}",)],
    )

    para(doc, "Signature", style="Heading 1")
    para(
        doc,
        "By signing, I confirm that this is my complaint and that it says what I want to say.",
        keep_next=True,
    )
    signature_table(doc)
    spacer(doc, 4)
    para(
        doc,
        ("You get a copy of this form. Document ", "{{ document.id }}", "."),
        style="Form Small",
    )


if __name__ == "__main__":
    sys.exit(main(TEMPLATE, build_body, texts.for_template(GRIEVANCE)))
