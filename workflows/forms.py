"""Forms of the dossier and task pages. They only parse input; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nominations.models import AttachmentKind, AwardType, ContentArea, CriteriaGroup, Nominee, Occasion, Unit

from .attachments import ACCEPT_ATTRIBUTE

RETURNABLE_FIELDS = (
    ("achievement_summary", _("Achievement summary")),
    ("content_areas", _("Content areas")),
    ("attachments", _("Attachments")),
)


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field: Any = form.fields[name]
    field.queryset = queryset


class DossierCreateForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Proposing unit"))
    occasion = forms.ModelChoiceField(queryset=Occasion.objects.none(), label=_("Occasion"))
    award_type = forms.ModelChoiceField(queryset=AwardType.objects.none(), label=_("Award (form)"))
    nominee = forms.ModelChoiceField(queryset=Nominee.objects.none(), label=_("Nominee"))
    content_areas = forms.ModelMultipleChoiceField(
        queryset=ContentArea.objects.none(), label=_("Content areas"), widget=forms.CheckboxSelectMultiple
    )
    criteria_group = forms.ModelChoiceField(
        queryset=CriteriaGroup.objects.none(), label=_("Criteria group"), required=False
    )
    achievement_summary = forms.CharField(
        label=_("Achievement summary"), widget=forms.Textarea, required=False
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        authority_ids = {u.authority_id for u in units}
        today = timezone.localdate()
        _set_queryset(self, "unit", Unit.objects.filter(pk__in=[u.pk for u in units]))
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
        _set_queryset(
            self,
            "occasion",
            Occasion.objects.filter(
                movement__authority_id__in=authority_ids, window_opens__lte=today, window_closes__gte=today
            ),
        )
        _set_queryset(self, "award_type", AwardType.objects.filter(authority_id__in=authority_ids))
        _set_queryset(self, "nominee", Nominee.objects.filter(unit__in=units).select_related("unit"))
        _set_queryset(
            self, "content_areas", ContentArea.objects.filter(movement__authority_id__in=authority_ids)
        )
        _set_queryset(
            self, "criteria_group", CriteriaGroup.objects.filter(movement__authority_id__in=authority_ids)
        )


class DossierEditForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    achievement_summary = forms.CharField(
        label=_("Achievement summary"), widget=forms.Textarea, required=False
    )
    content_areas = forms.ModelMultipleChoiceField(
        queryset=ContentArea.objects.none(), label=_("Content areas"), widget=forms.CheckboxSelectMultiple
    )
    criteria_group = forms.ModelChoiceField(
        queryset=CriteriaGroup.objects.none(), label=_("Criteria group"), required=False
    )

    def __init__(self, *args: Any, movement_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "content_areas", ContentArea.objects.filter(movement_id=movement_id))
        _set_queryset(self, "criteria_group", CriteriaGroup.objects.filter(movement_id=movement_id))


class AttachmentForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=[
            (AttachmentKind.ACHIEVEMENT_REPORT, _("Achievement report")),
            (AttachmentKind.SUPPORTING, _("Supporting document")),
        ],
    )
    file = forms.FileField(
        label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE})
    )


class ActionForm(forms.Form):
    """Every action form carries the version the user saw (a stale form is refused, not merged)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReturnForm(ReasonForm):
    note_achievement_summary = forms.CharField(
        label=_("Achievement summary"), required=False, max_length=1000
    )
    note_content_areas = forms.CharField(label=_("Content areas"), required=False, max_length=1000)
    note_attachments = forms.CharField(label=_("Attachments"), required=False, max_length=1000)

    def field_notes(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(f"note_{name}", "")
            for name, _label in RETURNABLE_FIELDS
            if self.cleaned_data.get(f"note_{name}")
        }


class AwardForm(ActionForm):
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    golden_book_number = forms.CharField(label=_("Golden-book number"), max_length=100, required=False)


class ProvinceResultForm(ActionForm):
    result = forms.ChoiceField(
        label=_("Province's result"),
        choices=[
            ("approved", _("Province approved")),
            ("returned", _("Province returned")),
            ("rejected", _("Province rejected")),
        ],
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    decided_on = forms.DateField(
        label=_("Decision date"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class TallyRowForm(forms.Form):
    dossier_id = forms.IntegerField(widget=forms.HiddenInput)
    issued = forms.IntegerField(min_value=0, label=_("Ballots issued"))
    returned = forms.IntegerField(min_value=0, label=_("Ballots returned"))
    valid = forms.IntegerField(min_value=0, label=_("Valid ballots"))
    agreeing = forms.IntegerField(min_value=0, label=_("Agree"))


class TallyHeadForm(forms.Form):
    members_present = forms.IntegerField(min_value=0, label=_("Members present"))
    session_ref = forms.CharField(label=_("Minutes reference"), required=False, max_length=100)
