from django import template

from nominations.documents.formatting import person_name

register = template.Library()


@register.filter
def person(user: object) -> str:
    """A user's name in Vietnamese order (family name first)."""
    return person_name(user) if user is not None else ""
