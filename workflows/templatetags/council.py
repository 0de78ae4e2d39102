from django import template
from django.utils.translation import pgettext_lazy

from nominations.documents.formatting import person_name
from nominations.states import DossierStatus

register = template.Library()


@register.filter
def person(user: object) -> str:
    """A user's name in Vietnamese order (family name first)."""
    return person_name(user) if user is not None else ""


@register.filter
def dossier_status(code: str) -> str:
    """A dossier status code as its label (codes come back raw from the ledger)."""
    return str(dict(DossierStatus.choices).get(code, code)) if code else ""


QUEUE_NAMES = {
    "unit": pgettext_lazy("queue", "the proposing unit"),
    "office": pgettext_lazy("queue", "office review"),
    "award": pgettext_lazy("queue", "award records"),
    "secretary": pgettext_lazy("queue", "council secretary"),
    "chair": pgettext_lazy("queue", "the chair"),
}


@register.filter
def queue_name(token: str) -> str:
    """A queue token ("office:1") as the name of the queue."""
    kind = (token or "").split(":", 1)[0]
    return str(QUEUE_NAMES.get(kind, token))
