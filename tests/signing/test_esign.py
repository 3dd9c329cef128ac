"""The electronic-signature disclosure every signing page shows before the signer agrees
(15 U.S.C. 7001(c)(1)), in the language the page speaks."""

import pytest

from tests.conftest import login, post


@pytest.mark.parametrize(
    ("language", "paper_is_free", "update_contact"),
    [
        ("en", "A paper copy is free: there is no fee.", "To change your phone number"),
        ("es", "La copia en papel es gratis: no se cobra nada.", "Para cambiar su número"),
        ("ar", "النسخة الورقية مجانية: لا توجد أي رسوم.", "لتغيير رقم هاتفك"),
    ],
)
def test_the_disclosure_says_a_paper_copy_is_free_and_how_to_update_contact_details(
    client, world, consent_document, language, paper_is_free, update_contact
):
    world.client.preferred_language = language
    document = consent_document()
    login(client, world.case_manager)
    post(client, f"/documents/{document.id}/kiosk/{document.signers[0].id}")
    page = client.get("/kiosk").get_data(as_text=True)
    disclosure = page[page.index('<section class="esign"') :].split("</section>")[0]
    assert paper_is_free in disclosure
    assert update_contact in disclosure
    assert "Gateway Housing Services" in disclosure and "(314) 555-0100" in disclosure
