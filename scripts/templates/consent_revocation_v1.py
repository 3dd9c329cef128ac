"""Build the default Word template for ``consent_revocation`` version 1 (English).

    .venv/bin/python scripts/templates/consent_revocation_v1.py

Writes ``form_templates/consent_revocation/1/en.docx`` and its sha256 in the manifest; the
look and the deterministic build are shared (``_docx.py``; read its rules before editing).

The content follows HIPAA 45 CFR 164.508(b)(5) (revocation in writing, effective on receipt,
not undoing action taken in reliance) and seeds 000 and 004 (revocable at any time).
See /work/shared/domain/RULES.md.
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
from texts_consent_revocation import CONSENT_REVOCATION

TEMPLATE = Template("consent_revocation", "Revocation of Consent to Release Information")
B = {"bold": True}


def build_body(doc) -> None:
    title_block(
        doc,
        (
            "Also called cancelling a release of information. Received: ",
            "{{ revocation.received_at }}",
            ".",
        ),
    )
    intro_box(
        doc,
        "What this form does",
        (
            "This form cancels your consent ",
            ("{{ revocation.release_reference }}", B),
            ", which let ",
            "{{ agency.name }}",
            " share information about you with ",
            ("{{ revocation.recipient_name }}", B),
            ".",
        ),
    )

    para(doc, "About you", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Your name", "{{ client.full_name }}"),
            ("Case number", "{{ case.number }}"),
        ],
    )

    para(doc, "The consent you cancel", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Consent", (("{{ revocation.release_reference }}", B),)),
            ("It let us share with", "{{ revocation.recipient_name }}"),
            ("{%tr if revocation.release_signed_on %}", ""),
            ("You signed it on", "{{ revocation.release_signed_on }}"),
            ("{%tr endif %}", ""),
            ("We received your request", (("{{ revocation.received_at }}", B),)),
            ("{%tr if revocation.staff_record %}", ""),
            (
                "Your written request",
                (
                    "{{ revocation.request_method }}",
                    "{% if revocation.request_details %}",
                    ": ",
                    "{{ revocation.request_details }}",
                    "{% endif %}",
                ),
            ),
            ("{%tr endif %}", ""),
        ],
        label_w=2.2,
    )
    spacer(doc, 3)
    tag(doc, "{%p if revocation.client_words %}")
    para(doc, "In your words:", keep_next=True)
    para(doc, ("{{ revocation.client_words }}",), style="Client Words")
    tag(doc, "{%p endif %}")

    para(doc, "What happens now", style="Heading 1")
    bullets(
        doc,
        [
            (
                "The cancellation counts from when we received it: ",
                ("{{ revocation.received_at }}", B),
                ". From then on we share nothing more with ",
                "{{ revocation.recipient_name }}",
                " under this consent.",
            ),
            "It does not undo information we already shared while the consent was in effect.",
            ("We will tell ", "{{ revocation.recipient_name }}", " that the consent has ended."),
            "Your other consents, if you have any, stay as they are. Your services do not change.",
            "You can sign a new consent later if you want to.",
        ],
    )

    para(doc, "Signature", style="Heading 1")
    tag(doc, "{%p if revocation.staff_record %}")
    para(
        doc,
        "I received the client's written request described above and recorded it on this form.",
        keep_next=True,
    )
    tag(doc, "{%p else %}")
    para(doc, "By signing, I cancel the consent described above.", keep_next=True)
    tag(doc, "{%p endif %}")
    signature_table(doc)
    spacer(doc, 4)
    para(
        doc,
        ("The client gets a copy of this form. Document ", "{{ document.id }}", "."),
        style="Form Small",
    )


if __name__ == "__main__":
    sys.exit(main(TEMPLATE, build_body, texts.for_template(CONSENT_REVOCATION)))
