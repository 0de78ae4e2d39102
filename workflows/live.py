"""Live task lists: which queue groups a user's socket joins, and the "queue changed" ping after a task
is opened, closed, claimed, released or reassigned. The ping carries nothing; each page re-fetches its
own list through the scoped inbox selector, so a socket can never show a task its user may not see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model

from notifications.services import push_queue_changed


def queue_group(token: str) -> str:
    # Channel-layer group names allow letters, digits, "-", "_" and "." only.
    return "queue." + token.replace(":", "-")


def groups_for_user(user_id: int) -> list[str]:
    from .flows import queue_tokens  # flows imports this module

    user = get_user_model().objects.filter(pk=user_id).first()
    return [queue_group(token) for token in sorted(queue_tokens(user))]


def dossier_tokens(dossier: Any) -> list[str]:
    """Every queue a task of this dossier can sit in. Pinging them all costs no query (the tokens follow
    from the dossier alone) and an extra refresh of a list that did not change is harmless."""
    from .flows import QUEUE_ROLES

    return [f"unit:{dossier.unit_id}", *(f"{queue}:{dossier.authority_id}" for queue in QUEUE_ROLES)]


def queues_changed(tokens: Iterable[str]) -> None:
    """Call inside the transaction that changed the tasks; the ping leaves after commit."""
    push_queue_changed(queue_group(token) for token in tokens)
