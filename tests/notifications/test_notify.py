"""notify(): per-recipient numbering in the caller's transaction, wake-up only after commit, and a push
that fails or hangs never reaches the action."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import transaction
from django.test import override_settings

from notifications import services
from notifications.models import Notification, RecipientCursor
from notifications.services import notify

BROKEN = {"default": {"BACKEND": "tests.notifications.conftest.BrokenLayer"}}
HANGING = {"default": {"BACKEND": "tests.notifications.conftest.HangingLayer"}}


def test_each_recipient_gets_its_own_gapless_sequence(users):
    an, binh = users["an"], users["binh"]
    notify(recipients=[an, binh], kind="k", title="one")
    notify(recipients=[an], kind="k", title="two")
    notify(recipients=[binh.pk, an], kind="k", title="three")
    assert list(Notification.objects.filter(recipient=an).values_list("seq", "title")) == [
        (1, "one"),
        (2, "two"),
        (3, "three"),
    ]
    assert list(Notification.objects.filter(recipient=binh).values_list("seq", flat=True)) == [1, 2]
    assert RecipientCursor.objects.get(user=an).last_seq == 3


def test_a_recipient_named_twice_gets_one_row(users):
    an = users["an"]
    rows = notify(recipients=[an, an.pk, an], kind="k", title="t")
    assert len(rows) == 1
    assert Notification.objects.filter(recipient=an).count() == 1


def test_no_recipients_writes_nothing_and_wakes_no_one(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert notify(recipients=[], kind="k", title="t") == []
    assert callbacks == []
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_rolled_back_action_notifies_no_one(users):
    an = users["an"]

    def failing_action() -> None:
        with transaction.atomic():
            notify(recipients=[an], kind="k", title="t")
            raise RuntimeError("the action failed after notify()")

    with mock.patch.object(services, "push_to_users") as push:
        with pytest.raises(RuntimeError):
            failing_action()
        assert not Notification.objects.exists()
        assert not RecipientCursor.objects.filter(user=an, last_seq__gt=0).exists()
        push.assert_not_called()
        # The next committed notification still starts at 1: the rolled-back number was never used.
        with transaction.atomic():
            notify(recipients=[an], kind="k", title="t")
            push.assert_not_called()  # not before commit
        push.assert_called_once_with(messages={an.pk: {"type": "notify.wake", "upto": 1}})
    assert list(Notification.objects.values_list("seq", flat=True)) == [1]


@pytest.mark.django_db(transaction=True)
def test_wake_carries_the_latest_seq_per_recipient(users):
    an, binh = users["an"], users["binh"]
    notify(recipients=[an], kind="k", title="t")
    with mock.patch.object(services, "push_to_users") as push, transaction.atomic():
        notify(recipients=[an, binh], kind="k", title="t")
    push.assert_called_once_with(
        messages={an.pk: {"type": "notify.wake", "upto": 2}, binh.pk: {"type": "notify.wake", "upto": 1}}
    )


@pytest.mark.django_db(transaction=True)
@override_settings(CHANNEL_LAYERS=BROKEN)
def test_a_failing_layer_never_fails_the_action(users, caplog):
    an = users["an"]
    with transaction.atomic():
        notify(recipients=[an], kind="k", title="t")
    assert Notification.objects.filter(recipient=an).count() == 1
    assert "not delivered" in caplog.text


@pytest.mark.django_db(transaction=True)
@override_settings(CHANNEL_LAYERS=HANGING)
def test_a_hanging_layer_is_given_up_on(users, monkeypatch):
    import time

    monkeypatch.setattr(services, "PUSH_TIMEOUT_SECONDS", 0.2)
    started = time.monotonic()
    with transaction.atomic():
        notify(recipients=[users["an"]], kind="k", title="t")
    assert time.monotonic() - started < 2
    assert Notification.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@override_settings(CHANNEL_LAYERS={"default": {"BACKEND": "tests.notifications.conftest.RecordingLayer"}})
def test_push_from_a_thread_running_an_event_loop_is_still_delivered(users, monkeypatch):
    """async_to_sync refuses to run inside a running loop; the push goes through a worker thread."""
    import asyncio

    from .conftest import RecordingLayer

    RecordingLayer.sent.clear()
    an = users["an"]
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM call below runs on the loop's thread

    async def inside_loop() -> None:
        with transaction.atomic():
            notify(recipients=[an], kind="k", title="t")

    asyncio.run(inside_loop())
    assert RecordingLayer.sent == [(f"user.{an.pk}", {"type": "notify.wake", "upto": 1})]
