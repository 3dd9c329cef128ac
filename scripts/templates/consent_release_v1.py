"""Build the default Word template for ``consent_release`` version 1 (English).

Writes ``form_templates/consent_release/1/en.docx`` (a docxtpl / Jinja template) and
records its sha256 in ``form_templates/consent_release/manifest.toml``.

    .venv/bin/python scripts/templates/consent_release_v1.py

The look, the page furniture and the deterministic build are shared (``_docx.py``; read its
rules before editing). Archived documents reference this file's sha256: a change to what it
writes is a new template version, never an edit of version 1.

The content follows HIPAA 45 CFR 164.508(c) (core elements and required statements) and,
when substance-use-disorder treatment records are included, 42 CFR 2.31 / 2.32 (the 2024
final rule's re-disclosure notice, Statement 1). See /work/shared/domain/RULES.md.
"""

from __future__ import annotations

import sys

import texts
from _docx import (
    NAVY,
    TEXT_W_IN,
    Template,
    box,
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
from docx.shared import Inches

TEMPLATE = Template(
    "consent_release", "Consent to Release Information", notice_style="Part 2 Notice"
)

PART2_NOTICE_INTRO = (
    "This record which has been disclosed to you is protected by Federal confidentiality "
    "rules (42 CFR part 2). These rules prohibit you from using or disclosing this record, or "
    "testimony that describes the information contained in this record, in any civil, "
    "criminal, administrative, or legislative proceedings by any Federal, State, or local "
    "authority, against the patient, unless authorized by the consent of the patient, except "
    "as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR "
    "2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or "
    "disclosure of this record unless at least one of the following applies:"
)
PART2_NOTICE_ITEMS = (
    "(i) Further use or disclosure is expressly permitted by the written consent of the "
    "individual whose information is being disclosed in this record or as otherwise permitted "
    "by 42 CFR part 2.",
    "(ii) You are a covered entity or business associate and have received the record for "
    "treatment, payment, or health care operations, or",
    "(iii) You have received the record from a covered entity or business associate as "
    "permitted by 45 CFR part 164, subparts A and E.",
)
PART2_NOTICE_END = (
    "A general authorization for the release of medical or other information is NOT "
    "sufficient to meet the required elements of written consent to further use or redisclose "
    "the record (see 42 CFR 2.31)."
)


def build_body(doc, version: int = 1) -> None:
    """The body of version 1, or of a later `version` where it says what changed."""
    B = {"bold": True}

    # ---- title block
    title_block(
        doc,
        (
            "Also called a release of information (ROI). Form date: ",
            "{{ document.created_on }}",
            ".",
        ),
    )
    intro_box(
        doc,
        "What this form does",
        (
            "This form lets ",
            "{{ agency.name }}",
            " share some of your information with ",
            ("{{ consent.recipient_name }}", B),
            ". It says what will be shared, why, and for how long. "
            "You can ask us to read it to you, and you can ask about anything "
            "that is not clear. Please read it before you sign.",
        ),
    )

    # ---- 1. About you
    para(doc, "About you", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Your name", "{{ client.full_name }}"),
            ("Date of birth", "{{ client.date_of_birth }}"),
            ("Case number", "{{ case.number }}"),
        ],
    )

    # ---- 2. Who shares
    para(doc, "Who shares your information", style="Heading 1")
    para(doc, "This agency will share your information:", keep_next=True)
    key_value_table(
        doc,
        [
            ("Agency", "{{ agency.name }}"),
            ("Address", "{{ agency.address }}"),
            ("Phone", "{{ agency.phone }}"),
        ],
    )

    # ---- 3. Who receives
    para(doc, "Who gets your information", style="Heading 1")
    para(doc, "Your information will be shared only with:", keep_next=True)
    key_value_table(
        doc,
        [
            ("Name", "{{ consent.recipient_name }}"),
            ("Agency or person", "{{ consent.recipient_type_label }}"),
            ("{%tr if consent.recipient_contact %}", ""),
            ("Contact", "{{ consent.recipient_contact }}"),
            ("{%tr endif %}", ""),
        ],
    )
    spacer(doc, 3)
    para(
        doc,
        "This form is only for this one receiver. Sharing with anyone else needs a separate form.",
    )

    # ---- 4. What information
    para(doc, "What information will be shared", style="Heading 1")
    para(doc, "Only the kinds of information listed here will be shared:", keep_next=True)
    loop_table(
        doc,
        ("Information", "What this includes"),
        [2.2, TEXT_W_IN - 2.2],
        "for c in consent.categories",
        [(("{{ c.label }}", B),), ("{{ c.description }}",)],
    )
    spacer(doc, 3)
    tag(doc, "{%p if consent.other_information %}")
    para(doc, (("Other information: ", B), "{{ consent.other_information }}"))
    tag(doc, "{%p endif %}")
    para(
        doc,
        (
            "Nothing else about you will be shared. We share only what ",
            "{{ consent.recipient_name }}",
            " needs for the reason in section 5.",
        ),
    )

    # ---- 5. Why
    para(doc, "Why it will be shared", style="Heading 1")
    para(doc, "The reason for sharing your information:", keep_next=True)
    para(doc, ("{{ consent.purpose }}",), style="Client Words")

    # ---- 6. When it ends
    para(doc, "When this consent ends", style="Heading 1")
    para(doc, (("This consent ends ", B), ("{{ consent.end_text }}", B), (".", B)))
    para(
        doc,
        (
            "It ends sooner if you cancel it (see section 7), or when your case with ",
            "{{ agency.name }}",
            " is closed.",
        ),
    )

    # ---- 7. Your rights
    para(doc, "Your rights", style="Heading 1")
    para(doc, "You can cancel this consent at any time", style="Heading 2")
    para(doc, "You can cancel (revoke) this consent at any time. You must cancel it in writing.")
    para(doc, (("How to cancel: ", B), "{{ consent.revocation_how }}"))
    para(
        doc,
        "Sharing stops when we get your request to cancel. Canceling does not undo "
        "information that was already shared while this consent was in effect.",
    )

    tag(doc, "{%p if not consent.conditioned %}")
    para(doc, "Signing is your choice", style="Heading 2")
    para(
        doc,
        (
            "You do not have to sign this form to get services. If you do not sign, you can "
            "still get shelter, housing help, case management and all other services from ",
            "{{ agency.name }}",
            ". Saying no will not be held against you.",
        ),
    )
    tag(doc, "{%p else %}")
    para(doc, "What depends on signing", style="Heading 2")
    if version == 1:
        para(
            doc,
            "One thing depends on whether you sign this form. Here is what it is, and what "
            "happens if you do not sign:",
            keep_next=True,
        )
    else:  # the ground HIPAA allows (45 CFR 164.508(b)(4)), then the staff's details
        para(
            doc,
            "One thing depends on whether you sign this form. The law allows this only in a "
            "few cases, and this is one of them:",
            keep_next=True,
        )
        para(doc, (("{{ consent.conditioning_basis }}", B),), keep_next=True)
        para(doc, "What it is, and what happens if you do not sign:", keep_next=True)
    para(doc, ("{{ consent.conditioning_explanation }}",), style="Client Words")
    para(doc, "If you have questions about this, ask your case manager before you sign.")
    tag(doc, "{%p endif %}")

    para(doc, "Your information may be shared again", style="Heading 2")
    para(
        doc,
        (
            "After ",
            "{{ consent.recipient_name }}",
            " gets your information, they might "
            "share it with someone else. If that happens, federal privacy law may no longer "
            "protect it.",
        ),
    )

    para(doc, "You get a copy", style="Heading 2")
    para(doc, "You will get a copy of this form after you sign it. Keep it in a safe place.")

    # ---- 8. Part 2 (only when SUD treatment records are included)
    tag(doc, "{%p if consent.includes_sud %}")
    para(doc, "Substance use treatment records (42 CFR Part 2)", style="Heading 1")
    para(
        doc,
        "You chose to share records about treatment for drug or alcohol use "
        "(substance use disorder). A federal rule, 42 CFR Part 2, protects these "
        "records more than other information:",
        keep_next=True,
    )
    para(
        doc,
        "These records will be shared only with the receiver in section 3, only for "
        "the reason in section 5, and only until this consent ends.",
        style="List Bullet",
    )
    para(
        doc,
        "These records cannot be used against you in a court case or in any other civil, "
        "criminal, administrative or legislative proceeding, unless you sign a separate "
        "consent for that or a court orders it under 42 CFR Part 2. This form is not "
        "that consent.",
        style="List Bullet",
    )
    if version > 1:  # a consent for counseling notes is their separate consent (2.31(b))
        tag(doc, "{%p if consent.counseling_notes %}")
        para(
            doc,
            "This form is the separate consent that substance use counseling notes need "
            "(42 CFR 2.31(b)). It allows sharing of your counseling notes with the receiver "
            "in section 3, and it covers nothing else.",
            style="List Bullet",
        )
        tag(doc, "{%p else %}")
    para(
        doc,
        "This form does not allow sharing of substance use counseling notes. Sharing "
        "them needs a separate consent.",
        style="List Bullet",
    )
    if version > 1:
        tag(doc, "{%p endif %}")
    para(
        doc,
        "You can cancel this consent in writing at any time (see section 7). Canceling "
        "does not undo sharing that already happened because of this consent.",
        style="List Bullet",
    )
    para(
        doc,
        "When these records are shared, this notice must go with them (42 CFR 2.32):",
        keep_next=True,
    )

    def notice(cell):
        para(
            cell,
            (("Notice to the receiver", {"bold": True, "color": NAVY}),),
            style="Part 2 Notice",
        )
        para(cell, PART2_NOTICE_INTRO, style="Part 2 Notice")
        for item in PART2_NOTICE_ITEMS:
            p = para(cell, item, style="Part 2 Notice")
            p.paragraph_format.left_indent = Inches(0.25)
        para(cell, PART2_NOTICE_END, style="Part 2 Notice")

    t = box(doc, notice, fill="FFFFFF", border=NAVY)
    for p in t.rows[0].cells[0].paragraphs[:-1]:
        p.paragraph_format.keep_with_next = True
    spacer(doc, 3)
    tag(doc, "{%p endif %}")

    # ---- 9. Representative (only when a legal representative signs)
    tag(doc, "{%p if consent.representative_signs %}")
    para(doc, "Signed by a legal representative", style="Heading 1")
    para(
        doc,
        (
            "This form is signed for ",
            "{{ client.full_name }}",
            " by a person with legal authority to act for them.",
        ),
        keep_next=True,
    )
    key_value_table(
        doc,
        [
            ("Representative", "{{ consent.representative_name }}"),
            ("Their authority to act for the client", "{{ consent.representative_authority }}"),
        ],
        label_w=2.2,
    )
    spacer(doc, 3)
    tag(doc, "{%p endif %}")

    # ---- 10. Signatures
    para(doc, "Signatures", style="Heading 1")
    para(
        doc,
        (
            "By signing, I agree that ",
            "{{ agency.name }}",
            " may share the information in section 4 with ",
            "{{ consent.recipient_name }}",
            " for the reason in section 5, until this consent ends. I have read this form "
            "or had it read to me, and my questions were answered.",
        ),
        keep_next=True,
    )
    signature_table(doc, keep_together=False)  # as v1 was built: its bytes are pinned
    spacer(doc, 4)
    para(
        doc,
        ("The client gets a copy of this signed form. Document ", "{{ document.id }}", "."),
        style="Form Small",
    )


if __name__ == "__main__":
    sys.exit(main(TEMPLATE, build_body, texts.for_template(texts.CONSENT_RELEASE)))
