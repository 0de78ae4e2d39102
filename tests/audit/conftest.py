from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def today_in_window(monkeypatch):
    # The annual 2026 window is 15/10–20/12/2026; pin "today" inside it for the actions' checks.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 11, 25))


@pytest.fixture
def keys_dir(tmp_path, settings):
    settings.KEYS_DIR = tmp_path / "keys"
    return settings.KEYS_DIR


@pytest.fixture
def real_ledger(demo, today_in_window, keys_dir):
    """A ledger written by the real actions: one dossier awarded (quota seat taken), one returned and
    resubmitted, one withdrawn, one still a draft; checkpoints signed along the way."""
    from nominations.models import Unit
    from tests import factories as f
    from workflows import actions
    from workflows.checkpoints import checkpoint_create

    u = demo
    unit = Unit.objects.get(code="thon-dong-hy")
    nominees = list(unit.nominees.order_by("pk")[:3])
    extra = f.nominee(unit, "Trần Thị Bích")
    awarded = f.draft(actor=u["donvi"], unit=unit, nominee_obj=nominees[0])
    awarded = f.to_agenda(awarded, proposer=u["donvi"], reviewer=u["chuyenvien"])
    checkpoint_create()
    actions.council_result_record(
        actor=u["thuky"],
        authority_id=awarded.authority_id,
        members_present=5,
        tallies=[{"dossier_id": awarded.pk, "issued": 5, "returned": 5, "valid": 5, "agreeing": 4}],
    )
    awarded = f.fresh(awarded)
    awarded = actions.dossier_prepare_decision(
        actor=u["chuyenvien"], dossier_id=awarded.pk, expected_version=awarded.version
    )
    returned = f.draft(actor=u["donvi"], unit=unit, nominee_obj=nominees[1])
    returned = actions.dossier_submit(
        actor=u["donvi"], dossier_id=returned.pk, expected_version=returned.version
    )
    returned = actions.dossier_return(
        actor=u["chuyenvien"],
        dossier_id=returned.pk,
        expected_version=returned.version,
        reason="Thiếu minh chứng.",
    )
    withdrawn = f.draft(actor=u["donvi"], unit=unit, nominee_obj=nominees[2])
    withdrawn = actions.dossier_submit(
        actor=u["donvi"], dossier_id=withdrawn.pk, expected_version=withdrawn.version
    )
    withdrawn = actions.dossier_withdraw(
        actor=u["donvi"], dossier_id=withdrawn.pk, expected_version=withdrawn.version
    )
    draft = f.draft(actor=u["donvi"], unit=unit, nominee_obj=extra)
    checkpoint_create()
    awarded = actions.dossier_sign(
        actor=u["chutich"], dossier_id=awarded.pk, expected_version=awarded.version
    )
    return {"awarded": awarded, "returned": returned, "withdrawn": withdrawn, "draft": draft, "users": u}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # seed_demo creates ~15 users; the production hasher makes each fixture take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(params=["accelerated", "pure"])
def verifier_path(request, monkeypatch):
    """Run a verifier test through the C accelerator and through pure Python: both must find the same
    problems. CI builds the accelerator (`make install`), so there it may not be missing."""
    import workflows.verify as verify
    from tests.conftest import IN_CI

    if request.param == "pure":
        monkeypatch.setattr(verify, "_fast", None)
    elif verify._fast is None:
        assert not IN_CI, "the verifier's C accelerator was not built (scripts/build_fastverify.py)"
        pytest.skip("the verifier's C accelerator is not built here")
    return request.param
