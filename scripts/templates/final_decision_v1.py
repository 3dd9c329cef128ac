"""Build the default Word template for ``final_decision`` version 1 (English).

    .venv/bin/python scripts/templates/final_decision_v1.py

Writes ``form_templates/final_decision/1/en.docx`` and its sha256 in the manifest; the look
and the deterministic build are shared (``_docx.py``; read its rules before editing).

The content follows seed 000 ("Non-compliance and Exiting the Program": review by someone
other than the person terminating or their subordinate, written final decision, re-entry)
and 24 CFR 578.91(b). See /work/shared/domain/RULES.md.
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
from texts_final_decision import FINAL_DECISION

TEMPLATE = Template("final_decision", "Notice of Final Decision on Appeal")
B = {"bold": True}


def build_body(doc) -> None:
    title_block(doc, ("Date of this decision: ", "{{ decision.decision_date }}", "."))
    intro_box(
        doc,
        "The decision on your appeal",
        (
            "You appealed the decision to end your services. ",
            "{{ decision.reviewer_name }}",
            " heard your objections and decided: ",
            ("{{ decision.outcome_label }}", B),
            ". This takes effect on ",
            ("{{ decision.effective_date }}", B),
            ".",
        ),
    )

    para(doc, "About you and your appeal", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Your name", "{{ client.full_name }}"),
            ("Case number", "{{ case.number }}"),
            ("Termination notice", "{{ decision.termination_reference }}"),
            ("Appeal received", "{{ decision.appeal_received_on }}"),
            (
                "Objections heard",
                ("{{ decision.hearing_date }}", ", ", "{{ decision.hearing_format }}"),
            ),
        ],
    )

    para(doc, "The decision", style="Heading 1")
    para(doc, (("{{ decision.outcome_label }}", B), (".", B)))
    tag(doc, "{%p if decision.outcome == 'upheld' %}")
    para(
        doc,
        (
            "The decision to end your services stands. Your services end on ",
            ("{{ decision.effective_date }}", B),
            ".",
        ),
    )
    tag(doc, "{%p elif decision.outcome == 'reversed' %}")
    para(
        doc,
        (
            "The decision to end your services is cancelled, and your services continue. "
            "This takes effect on ",
            ("{{ decision.effective_date }}", B),
            ".",
        ),
    )
    tag(doc, "{%p else %}")
    para(doc, "The decision to end your services is changed as follows:", keep_next=True)
    para(doc, ("{{ decision.modification }}",), style="Client Words")
    para(doc, ("This takes effect on ", ("{{ decision.effective_date }}", B), "."))
    tag(doc, "{%p endif %}")

    para(doc, "Why", style="Heading 1")
    para(doc, "The reasons for this decision:", keep_next=True)
    para(doc, ("{{ decision.reasons }}",), style="Client Words")

    para(doc, "Who decided", style="Heading 1")
    para(
        doc,
        (
            ("{{ decision.reviewer_name }}", B),
            "{% if decision.reviewer_title %}",
            ", ",
            "{{ decision.reviewer_title }}",
            "{% endif %}",
            ", reviewed your appeal and made this decision after hearing your objections.",
        ),
    )
    para(
        doc,
        (
            "The reviewer is independent: ",
            "{{ decision.reviewer_name }}",
            " did not make the decision to end your services (",
            "{{ decision.terminated_by }}",
            " did)",
            "{% if decision.approved_by %}",
            ", did not approve it (",
            "{{ decision.approved_by }}",
            " did)",
            "{% endif %}",
            ", and is not a subordinate of anyone who made or approved it.",
        ),
    )

    para(doc, "What happens next", style="Heading 1")
    bullets(
        doc,
        [
            ("This is the final decision of ", "{{ agency.name }}", " on your appeal."),
            "Even if your services end, you can apply to our program again later. Ending "
            "services now does not stop you from coming back.",
            (
                "If you need help finding other services, or have questions about this "
                "decision, call ",
                "{{ agency.phone }}",
                ".",
            ),
        ],
    )

    para(doc, "Signature", style="Heading 1")
    para(doc, "Signed by the independent reviewer:", keep_next=True)
    signature_table(doc)
    spacer(doc, 4)
    para(
        doc,
        ("The client gets a copy of this decision. Document ", "{{ document.id }}", "."),
        style="Form Small",
    )


if __name__ == "__main__":
    sys.exit(main(TEMPLATE, build_body, texts.for_template(FINAL_DECISION)))
