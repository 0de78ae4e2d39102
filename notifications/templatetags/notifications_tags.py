from __future__ import annotations

from typing import Any

from django import template

from notifications import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_bell(context: template.Context) -> dict[str, int]:
    """The numbers the bell starts from; the client then fetches everything after `last_seq`."""
    user: Any = context.get("user")
    if user is None or not user.is_authenticated:
        return {"unread": 0, "last_seq": 0}
    return {
        "unread": selectors.unread_count(user_id=user.pk),
        "last_seq": selectors.last_seq(user_id=user.pk),
    }
