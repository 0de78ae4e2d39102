"""Live task lists: which queue groups a user's socket joins, and the "queue changed" ping after a task
is opened, closed, claimed, released or reassigned. The ping carries nothing; each page re-fetches its
own list through the scoped inbox selector, so a socket can never show a task its user may not see."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from notifications.services import push_queue_changed


def queue_group(token: str) -> str:
    # Channel-layer group names allow letters, digits, "-", "_" and "." only.
    return "queue." + token.replace(":", "-")


def groups_for_user(user_id: int) -> list[str]:
    from .flows import queue_tokens  # flows imports this module

    user = get_user_model().objects.filter(pk=user_id).first()
    return [queue_group(token) for token in sorted(queue_tokens(user))]


def queues_changed(tokens: Iterable[str]) -> None:
    """Call inside the transaction that changed the tasks; the ping leaves after commit."""
    push_queue_changed(queue_group(token) for token in tokens)
