"""The chair signs a decision in a real browser with a TOTP code computed from the device key."""

from __future__ import annotations

import pytest

from nominations.documents.storage import read_document
from nominations.models import Decision, DecisionStatus
from tests.conftest import login

from .conftest import totp_now
from .test_decisions import AN, numbered

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chair_signs_with_a_totp_code(demo, today, chair_device, asgi_server, new_page, tmp_path):
    decision = numbered(demo, [AN])
    base = asgi_server
    page = new_page()
    login(page, base, "chutich")
    page.goto(f"{base}/documents/decisions/{decision.pk}/")
    assert page.locator("#decision").get_attribute("data-status") == "numbered"

    # A wrong code is refused and nothing is signed.
    wrong = "000000" if totp_now(chair_device) != "000000" else "111111"
    page.fill("#id_otp_token", wrong)
    with page.expect_navigation():
        page.click("#sign-submit")
    assert page.locator("#decision").get_attribute("data-status") == "numbered"
    assert page.locator(".td-msg--error").count() == 1
    assert Decision.objects.get(pk=decision.pk).signature == ""
    # django-otp blocks the device for a second after a failure; clear it instead of sleeping.
    type(chair_device).objects.filter(pk=chair_device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )

    page.fill("#id_otp_token", totp_now(chair_device))
    with page.expect_navigation():
        page.click("#sign-submit")
    assert page.locator("#decision").get_attribute("data-status") == "signed"
    assert page.locator("#signed-at").count() == 1
    signed = Decision.objects.get(pk=decision.pk)
    assert signed.status == DecisionStatus.SIGNED and signed.signer_name == "Nguyễn Quốc Hội"

    # Anyone can check the signed PDF on the public page.
    pdf_path = tmp_path / "qd.pdf"
    pdf_path.write_bytes(read_document(signed.pdf_storage_name))
    public = new_page()
    public.goto(f"{base}/documents/verify/")
    public.set_input_files("#id_file", str(pdf_path))
    with public.expect_navigation():
        public.click("#verify-submit")
    assert public.locator("#verify-result").get_attribute("data-valid") == "true"
    assert public.locator("#verify-signer").inner_text() == "Nguyễn Quốc Hội"
