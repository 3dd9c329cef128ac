"""Build the default Word template for ``client_rights`` version 1 (English).

    .venv/bin/python scripts/templates/client_rights_v1.py

Writes ``form_templates/client_rights/1/en.docx`` and its sha256 in the manifest; the look
and the deterministic build are shared (``_docx.py``; read its rules before editing).

The content follows seed 000 ("Client Rights", "Confidentiality Exceptions", "Client
Grievance Process", "Non-compliance and Exiting the Program") and 24 CFR 578.91(b)(1)
(program rules and the termination process given in writing before assistance).
See /work/shared/domain/RULES.md.
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
from texts_client_rights import CLIENT_RIGHTS

TEMPLATE = Template("client_rights", "Client Rights, Program Rules and Grievance Process")
B = {"bold": True}


def build_body(doc) -> None:
    title_block(
        doc,
        ("Program: ", "{{ rights.program_name }}", ". Date: ", "{{ document.created_on }}", "."),
    )
    intro_box(
        doc,
        "Before your services start",
        (
            "This form explains your rights, the rules of ",
            "{{ rights.program_name }}",
            ", what happens if we end your services, and how to make a complaint. Ask about "
            "anything that is not clear. You get a copy to keep.",
        ),
    )

    para(doc, "About you", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Your name", "{{ client.full_name }}"),
            ("Case number", "{{ case.number }}"),
            ("Program", "{{ rights.program_name }}"),
        ],
    )

    para(doc, "Your rights", style="Heading 1")
    bullets(
        doc,
        [
            (
                ("You do not have to take part in any religious activity", B),
                " to get services.",
            ),
            (
                "If you object to the religious character of our organization, tell us. ",
                ("We will refer you to another provider", B),
                " within a reasonable time.",
            ),
            "You will be treated with dignity and respect.",
            (("You can appeal", B), " if we end your services (see below)."),
        ],
    )

    para(doc, "Your privacy", style="Heading 1")
    para(
        doc,
        "What you tell us is private. We share it only with your written consent, one consent "
        "for each agency or person. You can cancel a consent in writing at any time.",
    )
    para(doc, "By law, we must share information without your consent when:", keep_next=True)
    bullets(
        doc,
        [
            "we suspect abuse or neglect of a child, an older adult, or an adult with a "
            "disability (staff are mandated reporters);",
            "someone, including you, is in serious and immediate danger of being hurt "
            "(duty to warn);",
            "a court orders it, or another law requires it.",
        ],
    )

    para(doc, "Program rules", style="Heading 1")
    para(doc, ("The rules of ", "{{ rights.program_name }}", ":"), keep_next=True)
    tag(doc, "{%p for r in rights.program_rules %}")
    para(doc, ("{{ r }}",), style="List Bullet")
    tag(doc, "{%p endfor %}")
    para(doc, "If a rule is broken, we first work with you to solve the problem.")

    para(doc, "If we end your services", style="Heading 1")
    para(doc, "We end services only in the most serious cases. If we do:", keep_next=True)
    bullets(
        doc,
        [
            "First we meet with you and the people involved (a case conference) to look for "
            "a solution together.",
            "You get a written notice with the reasons, places to get help, how to appeal, and "
            "who reviews an appeal.",
            (
                ("You have ", B),
                ("{{ rights.appeal_days }}", B),
                (" days to appeal", B),
                ", in writing or by telling any staff member.",
            ),
            "Someone who did not make or approve the decision, and does not report to the "
            "people who did, reviews your appeal and hears your side.",
            "You get the final decision in writing.",
            "You can come back to the program later.",
        ],
    )

    para(doc, "If you have a complaint", style="Heading 1")
    para(
        doc,
        (
            "You can make a complaint (a grievance) in writing at any time, alone or with help "
            "from your case manager. It gets a number, and we answer in writing within ",
            ("{{ rights.grievance_days }}", B),
            (" days", B),
            ". ",
            ("You will not be punished for complaining.", B),
        ),
    )
    para(doc, "You can also contact:", keep_next=True)
    para(doc, "Continuum of Care Governance & Membership Committee", style="Heading 2")
    para(doc, ("{{ rights.coc_contact }}",), style="Client Words", keep_next=True)
    loop_table(
        doc,
        ("Office", "For", "Contact"),
        [2.3, 2.5, TEXT_W_IN - 4.8],
        "for r in rights.outside_routes",
        [(("{{ r.name }}", B),), ("{{ r.about }}",), ("{{ r.contact }}",)],
    )

    para(doc, "Signatures", style="Heading 1")
    para(
        doc,
        (
            "By signing, I confirm that my rights, the program rules, and how termination and "
            "complaints work were explained to me in ",
            "{{ rights.explained_in }}",
            ", and that I got a written copy of this form.",
        ),
        keep_next=True,
    )
    signature_table(doc)
    spacer(doc, 4)
    para(doc, ("Document ", "{{ document.id }}", "."), style="Form Small")


if __name__ == "__main__":
    sys.exit(main(TEMPLATE, build_body, texts.for_template(CLIENT_RIGHTS)))
