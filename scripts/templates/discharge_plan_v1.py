"""Build the default Word template for ``discharge_plan`` version 1 (English).

    .venv/bin/python scripts/templates/discharge_plan_v1.py

Writes ``form_templates/discharge_plan/1/en.docx`` and its sha256 in the manifest; the look
and the deterministic build are shared (``_docx.py``; read its rules before editing).

The content follows seed 000 ("Discharge Planning", "Client Transition to Other Agencies",
"Client Exit"), 004 (case closure ends releases) and the HMIS Data Standards 3.12
Destination and 3.12.A Rental subsidy type. See /work/shared/domain/RULES.md.
"""

from __future__ import annotations

import sys

import texts
from _docx import (
    TEXT_W_IN,
    Template,
    bullets,
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
from texts_discharge_plan import DISCHARGE_PLAN

TEMPLATE = Template("discharge_plan", "Discharge Plan")
B = {"bold": True}


def build_body(doc) -> None:
    title_block(doc, ("Discharge meeting: ", "{{ discharge.meeting_date }}", "."))
    intro_box(
        doc,
        "Your plan for leaving the program",
        (
            "You leave our program on ",
            ("{{ discharge.exit_date }}", B),
            ". We made this plan together. It says where you can get help after you leave, "
            "and what to do to keep your home.",
        ),
    )

    para(doc, "About you", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Your name", "{{ client.full_name }}"),
            ("Case number", "{{ case.number }}"),
            ("Exit date", (("{{ discharge.exit_date }}", B),)),
        ],
    )

    para(doc, "The discharge meeting", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Held on", "{{ discharge.meeting_date }}"),
            ("People who took part", "{{ discharge.attendees }}"),
        ],
    )

    para(doc, "Where you can get help", style="Heading 1")
    para(doc, "These services and supports can help you after you leave:", keep_next=True)
    loop_table(
        doc,
        ("Service", "What it is for", "Next steps", "How to reach them"),
        [1.6, 1.5, 2.2, TEXT_W_IN - 5.3],
        "for l in discharge.linkages",
        [
            (("{{ l.organization }}", B),),
            ("{{ l.purpose }}",),
            ("{{ l.steps }}",),
            ("{{ l.contact }}",),
        ],
    )
    spacer(doc, 3)
    tag(doc, "{%p if discharge.new_provider %}")
    para(doc, "Your new provider", style="Heading 2")
    para(doc, ("{{ discharge.new_provider }}", " will work with you next. How we hand over:"))
    para(doc, ("{{ discharge.handoff }}",), style="Client Words")
    tag(doc, "{%p endif %}")

    para(doc, "Keeping your home", style="Heading 1")
    para(doc, "Your plan to keep your housing and not become homeless again:", keep_next=True)
    para(doc, ("{{ discharge.prevention_plan }}",), style="Client Words")

    para(doc, "What you told us", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Satisfaction with services", "{{ discharge.satisfaction }}"),
            ("{%tr if discharge.satisfaction_comments %}", ""),
            ("Your comments", "{{ discharge.satisfaction_comments }}"),
            ("{%tr endif %}", ""),
            (
                "Contact after you leave",
                (
                    "{% if discharge.follow_up %}",
                    "Yes, you agree that we contact you to see how you are doing: ",
                    "{{ discharge.follow_up_contact }}",
                    ". You can tell us to stop at any time.",
                    "{% else %}",
                    "No. We will not contact you after you leave.",
                    "{% endif %}",
                ),
            ),
        ],
    )

    para(doc, "Exit", style="Heading 1")
    key_value_table(
        doc,
        [
            (
                "Reason for leaving",
                (
                    "{{ discharge.exit_reason }}",
                    "{% if discharge.termination_reference %}",
                    " (notice ",
                    "{{ discharge.termination_reference }}",
                    ")",
                    "{% endif %}",
                ),
            ),
            (
                "Where you are going",
                (
                    "{{ discharge.destination }}",
                    "{% if discharge.subsidy %}",
                    ": ",
                    "{{ discharge.subsidy }}",
                    "{% endif %}",
                ),
            ),
            (
                "HMIS 3.12 Destination",
                (
                    "{{ discharge.destination_code }}",
                    " (",
                    "{{ discharge.destination_group }}",
                    ")",
                    "{% if discharge.subsidy_code %}",
                    "; 3.12.A rental subsidy type ",
                    "{{ discharge.subsidy_code }}",
                    "{% endif %}",
                ),
            ),
        ],
    )

    para(doc, "Good to know", style="Heading 1")
    bullets(
        doc,
        [
            "When your case closes, the consents you signed to let us share your information "
            "end. No new information about you is shared after that.",
            (
                "If you need help again, you can come back to us. Call ",
                "{{ agency.phone }}",
                ".",
            ),
        ],
    )

    para(doc, "Signatures", style="Heading 1")
    para(
        doc,
        "By signing, we agree that this is the plan for leaving the program. The client gets "
        "a copy.",
        keep_next=True,
    )
    signature_table(doc)
    spacer(doc, 4)
    para(doc, ("Document ", "{{ document.id }}", "."), style="Form Small")


if __name__ == "__main__":
    sys.exit(main(TEMPLATE, build_body, texts.for_template(DISCHARGE_PLAN)))
