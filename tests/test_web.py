"""What every page shares."""

import re

from tests.conftest import login, post


def test_every_page_links_an_icon_that_is_served_even_on_the_tablet(
    client, world, consent_document
):
    with client.get("/favicon.ico") as icon:  # browsers ask for it whatever the page links
        assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
        assert icon.data.startswith(b"\x00\x00\x01\x00")  # an ICO file

    document = consent_document()
    login(client, world.case_manager)
    post(client, f"/documents/{document.id}/kiosk/{document.signers[0].id}")
    kiosk = client.get("/kiosk").get_data(as_text=True)
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', kiosk)
    assert icons == ["/static/favicon.svg"]
    for href in icons:
        with client.get(href) as response:
            assert response.status_code == 200, href  # not sent back to the kiosk
