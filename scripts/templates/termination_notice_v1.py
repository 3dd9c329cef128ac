"""Build the default Word template for ``termination_notice`` version 1 (English).

    .venv/bin/python scripts/templates/termination_notice_v1.py

Writes ``form_templates/termination_notice/1/en.docx`` and its sha256 in the manifest; the
look and the deterministic build are shared (``_docx.py``; read its rules before editing).

The content follows seed 000 ("Non-compliance and Exiting the Program", "Client Exit"),
24 CFR 578.91 (written notice, review by someone other than the decision-maker, appeal,
re-entry) and the VAWA rule that a termination goes with HUD-5380 and HUD-5382.
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

TEMPLATE = Template("termination_notice", "Notice of Termination of Services")
B = {"bold": True}


def build_body(doc) -> None:
    title_block(doc, ("Date of this notice: ", "{{ notice.notice_date }}", "."))
    intro_box(
        doc,
        "What this notice means",
        (
            "{{ agency.name }}",
            " is ending your services. Your last day of services is ",
            ("{{ notice.last_day }}", B),
            ". You can appeal this decision until ",
            ("{{ notice.appeal_deadline }}", B),
            ". This notice tells you why, how to appeal, and where to get help now. "
            "You can come back to our program later.",
        ),
    )

    para(doc, "About you", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Your name", "{{ client.full_name }}"),
            ("Case number", "{{ case.number }}"),
            ("Last day of services", (("{{ notice.last_day }}", B),)),
        ],
    )

    para(doc, "Why your services are ending", style="Heading 1")
    para(doc, "We are ending your services for this reason:", keep_next=True)
    para(doc, ("{{ notice.reasons }}",), style="Client Words")
    tag(doc, "{%p if notice.program_rule %}")
    para(doc, "The rule involved:", keep_next=True)
    para(doc, ("{{ notice.program_rule }}",), style="Client Words")
    tag(doc, "{%p endif %}")

    para(doc, "How we decided", style="Heading 1")
    para(
        doc,
        (
            "Before deciding, we held a case conference on ",
            "{{ notice.case_conference_date }}",
            " to talk about what happened with you and the people involved. These people "
            "took part: ",
            "{{ notice.case_conference_attendees }}",
            ".",
        ),
    )
    para(
        doc,
        "We end services only in the most serious cases. Before deciding, we thought about "
        "your situation:",
        keep_next=True,
    )
    para(doc, ("{{ notice.extenuating_circumstances }}",), style="Client Words")
    tag(doc, "{%p if notice.approved_by %}")
    para(doc, ("{{ notice.approved_by }}", " approved this decision."))
    tag(doc, "{%p endif %}")

    para(doc, "Your right to appeal", style="Heading 1")
    para(
        doc,
        "If you think this decision is wrong, you can ask for it to be looked at again. "
        "This is called an appeal.",
        keep_next=True,
    )
    key_value_table(
        doc,
        [
            (
                "Appeal by",
                (
                    ("{{ notice.appeal_deadline }}", B),
                    " (",
                    "{{ notice.appeal_days }}",
                    " days after the date of this notice)",
                ),
            ),
            (
                "How",
                (
                    "Write to, or go to: ",
                    "{{ notice.appeal_contact }}",
                    ". You can also tell any staff member, or call ",
                    "{{ agency.phone }}",
                    "; your case manager will help you write your appeal down.",
                ),
            ),
            (
                "Who reviews it",
                (
                    ("{{ notice.reviewer_name }}", B),
                    "{% if notice.reviewer_title %}",
                    ", ",
                    "{{ notice.reviewer_title }}",
                    "{% endif %}",
                ),
            ),
        ],
        label_w=1.6,
    )
    spacer(doc, 3)
    bullets(
        doc,
        [
            "The reviewer did not make or approve this decision, and does not report to the "
            "people who did.",
            "You can tell the reviewer your side, in person or in writing, and bring someone "
            "to support you.",
            "You will get the final decision in writing.",
            (
                "{% if notice.services_continue %}",
                "Your services continue until your appeal is decided.",
                "{% else %}",
                "Appealing does not change your last day of services.",
                "{% endif %}",
            ),
        ],
    )

    para(doc, "Where to get help now", style="Heading 1")
    para(doc, "These places can help you now. We can help you contact them.", keep_next=True)
    loop_table(
        doc,
        ("Organization", "What they help with", "How to reach them"),
        [2.1, 2.3, TEXT_W_IN - 4.4],
        "for r in notice.referrals",
        [(("{{ r.organization }}", B),), ("{{ r.help }}",), ("{{ r.contact }}",)],
    )
    spacer(doc, 3)
    tag(doc, "{%p if notice.written_resources %}")
    para(doc, "You also get these written resources with this notice:", keep_next=True)
    tag(doc, "{%p for r in notice.written_resources %}")
    para(doc, ("{{ r }}",), style="List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")

    para(doc, "You can come back", style="Heading 1")
    para(
        doc,
        (
            "Ending your services now does not stop you from getting help from ",
            "{{ agency.name }}",
            " later. You can apply to come back to our program at any time.",
        ),
    )

    para(doc, "Protections for survivors of violence (VAWA)", style="Heading 1")
    para(
        doc,
        "If what happened is connected to domestic violence, dating violence, sexual assault "
        "or stalking against you, tell us. The Violence Against Women Act (VAWA) may protect "
        "your housing and assistance. What you tell us is kept confidential. With this notice "
        "you get:",
        keep_next=True,
    )
    bullets(
        doc,
        [
            (("HUD-5380", B), ": Notice of Occupancy Rights under the Violence Against Women Act"),
            (
                ("HUD-5382", B),
                ": Certification of Domestic Violence, Dating Violence, Sexual Assault, or "
                "Stalking, and Alternate Documentation",
            ),
        ],
    )

    tag(doc, "{%p if notice.ends_lease %}")
    para(doc, "Your lease", style="Heading 1")
    para(
        doc,
        (
            "This notice also ends your lease or occupancy agreement: ",
            ("{{ notice.lease_description }}", B),
            ". State landlord-tenant law applies to ending a lease, and you may have more "
            "rights under it. Free legal help may be available. This notice is given to you "
            "on paper.",
        ),
    )
    tag(doc, "{%p endif %}")

    para(doc, "Signatures", style="Heading 1")
    para(doc, "This notice is issued by:", keep_next=True)
    signature_table(doc)
    spacer(doc, 4)
    para(
        doc,
        (
            "Questions? Call ",
            "{{ agency.phone }}",
            ". The client gets a copy of this notice. Document ",
            "{{ document.id }}",
            ".",
        ),
        style="Form Small",
    )


if __name__ == "__main__":
    sys.exit(main(TEMPLATE, build_body, texts.for_template(texts.TERMINATION_NOTICE)))
