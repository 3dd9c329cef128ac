"""Build the default Word template for ``appeal`` version 1 (English).

    .venv/bin/python scripts/templates/appeal_v1.py

Writes ``form_templates/appeal/1/en.docx`` and its sha256 in the manifest; the look and the
deterministic build are shared (``_docx.py``; read its rules before editing).

The content follows seed 000 ("Non-compliance and Exiting the Program": the client has an
opportunity to appeal, reviewed by someone other than the person terminating or their
subordinate) and 24 CFR 578.91(b). See /work/shared/domain/RULES.md.
"""

from __future__ import annotations

import sys

import texts
from _docx import (
    Template,
    bullets,
    intro_box,
    key_value_table,
    main,
    para,
    signature_table,
    spacer,
    tag,
    title_block,
)
from texts_appeal import APPEAL

TEMPLATE = Template("appeal", "Appeal of Termination")
B = {"bold": True}


def build_body(doc) -> None:
    title_block(doc, ("Appeal received: ", "{{ appeal.received_on }}", "."))
    intro_box(
        doc,
        "Your appeal",
        (
            "You are asking ",
            "{{ agency.name }}",
            " to look again at the decision to end your services (notice ",
            ("{{ appeal.termination_reference }}", B),
            "). A person who did not make or approve that decision will review it and hear "
            "your side.",
        ),
    )

    para(doc, "About you", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Your name", "{{ client.full_name }}"),
            ("Case number", "{{ case.number }}"),
            ("Notice appealed", "{{ appeal.termination_reference }}"),
            ("Appeal received", "{{ appeal.received_on }}"),
            ("{%tr if appeal.staff_record %}", ""),
            (
                "Written down by staff",
                (
                    "{{ appeal.request_method }}",
                    "{% if appeal.representative_name %}",
                    ": ",
                    "{{ appeal.representative_name }}",
                    "{% endif %}",
                ),
            ),
            ("{%tr endif %}", ""),
        ],
    )

    para(doc, "Why you think the decision is wrong", style="Heading 1")
    para(doc, ("{{ appeal.grounds }}",), style="Client Words")

    para(doc, "What you ask for", style="Heading 1")
    para(doc, ("{{ appeal.requested_outcome }}",), style="Client Words")

    para(doc, "How you want to be heard", style="Heading 1")
    key_value_table(
        doc,
        [
            ("How", "{{ appeal.heard_how }}"),
            ("{%tr if appeal.language %}", ""),
            (
                "Language",
                (
                    "{{ appeal.language }}",
                    "{% if appeal.interpreter %}",
                    ", with an interpreter",
                    "{% endif %}",
                ),
            ),
            ("{%tr endif %}", ""),
            ("{%tr if appeal.accommodations %}", ""),
            ("Help you asked for", "{{ appeal.accommodations }}"),
            ("{%tr endif %}", ""),
            ("{%tr if appeal.how_to_reach %}", ""),
            ("How to reach you", "{{ appeal.how_to_reach }}"),
            ("{%tr endif %}", ""),
        ],
    )

    para(doc, "What happens next", style="Heading 1")
    bullets(
        doc,
        [
            "The reviewer will contact you to set a time to hear your side. You can bring "
            "someone to support you.",
            "You will get the final decision in writing.",
            "Whatever the decision, you can apply to our program again later.",
        ],
    )

    para(doc, "Signature", style="Heading 1")
    tag(doc, "{%p if appeal.staff_record %}")
    para(
        doc,
        "I wrote down this appeal as the client gave it to me, and read it back to them.",
        keep_next=True,
    )
    tag(doc, "{%p else %}")
    para(doc, "By signing, I appeal the decision to end my services.", keep_next=True)
    tag(doc, "{%p endif %}")
    signature_table(doc)
    spacer(doc, 4)
    para(
        doc,
        ("The client gets a copy of this appeal. Document ", "{{ document.id }}", "."),
        style="Form Small",
    )


if __name__ == "__main__":
    sys.exit(main(TEMPLATE, build_body, texts.for_template(APPEAL)))
