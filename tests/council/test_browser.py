"""Three members vote from their own browsers while the secretary watches the count come in live and
closes the session; the members' pages show the closing without a reload."""

from __future__ import annotations

import pytest

from nominations.models import SessionAgendaItem
from tests.conftest import login
from workflows.actions.council import council_session_mark_attendance

from .conftest import fresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session_page(new_page, base_url, username, session_id):
    page = new_page()
    login(page, base_url, username)
    page.goto(f"{base_url}/council/{session_id}/")
    page.wait_for_selector('#council-session[data-live="1"]')
    return page


def test_three_members_vote_and_the_secretary_closes(council, asgi_server, new_page):
    first = council.dossier("Lê Văn Tám")
    second = council.dossier("Trần Thị Hai", gender="female")
    s = council.session([first, second])
    council_session_mark_attendance(
        actor=council.secretary, session_id=s.pk, present_ids=[council.member(n).pk for n in (1, 2, 3, 4)]
    )

    secretary = _session_page(new_page, asgi_server, "thuky", s.pk)
    members = {n: _session_page(new_page, asgi_server, f"hoidong{n}", s.pk) for n in (1, 2, 3)}
    assert members[1].locator(".ballot-form").count() == 0  # voting not open yet

    secretary.click("#council-open")
    secretary.wait_for_selector(f"#progress-{first.pk}")
    choices = {1: "agree", 2: "agree", 3: "disagree"}
    for n, page in members.items():
        # Their page reloads itself when voting opens.
        page.wait_for_selector(f"#ballot-{first.pk}")
        page.check(f'#ballot-{first.pk} input[value="{choices[n]}"]')
        page.click(f"#ballot-{first.pk} button")
        page.wait_for_selector("#ballot-receipt")
        assert len(page.inner_text(".receipt-commitment")) == 64
        page.goto(f"{asgi_server}/council/{s.pk}/")
        page.wait_for_selector('#council-session[data-live="1"]')
        page.check(f'#ballot-{second.pk} input[value="agree"]')
        page.click(f"#ballot-{second.pk} button")
        page.wait_for_selector("#ballot-receipt")
        page.goto(f"{asgi_server}/council/{s.pk}/")
        page.wait_for_selector('#council-session[data-live="1"]')
        # The secretary's screen counts the ballot without reloading: who, never how.
        secretary.wait_for_function(
            f"() => document.querySelector('#progress-{first.pk} .returned').textContent === '{n}'"
        )
    voters = secretary.inner_text(f"#progress-{first.pk} .voters")
    assert voters.count(",") == 2
    for word in ("Đồng ý", "Không đồng ý", "agree"):
        assert word not in secretary.inner_text(f"#progress-{first.pk}")

    # hoidong2 changes their mind before closing: still one ballot.
    members[2].check(f'#ballot-{first.pk} input[value="disagree"]')
    members[2].click(f"#ballot-{first.pk} button")
    members[2].wait_for_selector("#ballot-receipt")
    members[2].goto(f"{asgi_server}/council/{s.pk}/")
    members[2].wait_for_selector('#council-session[data-live="1"]')

    secretary.click("#council-close")
    secretary.wait_for_selector("#council-results")
    for page in members.values():
        page.wait_for_selector("#council-closed-banner:not([hidden])")
    members[1].wait_for_selector("#council-results")  # then the results replace the ballots

    outcomes = dict(SessionAgendaItem.objects.filter(session=s).values_list("dossier_id", "outcome"))
    # first: 1 agree of 5 (hoidong2 changed to disagree) -> rejected; second: 3 of 5 -> majority
    assert outcomes == {first.pk: "rejected", second.pk: "approved"}
    assert fresh(second).status == "council_approved"
    assert SessionAgendaItem.objects.get(session=s, dossier=first).returned == 3
    assert secretary.locator("#minutes-link").count() == 1
