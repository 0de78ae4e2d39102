"""The domain: what a dossier is and what rules it obeys.

Every number, deadline or legal reference is a row here (seeded, editable, dated), never a literal in
code. This module imports nothing of ours except the lifecycle mixin.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from .search import normalise_for_search
from .states import DossierLifecycle, DossierStatus


class NomineeKind(models.TextChoices):
    COLLECTIVE = "collective", _("Collective")
    INDIVIDUAL = "individual", _("Individual")
    HOUSEHOLD = "household", _("Household")


class Authority(models.Model):
    """A commune (or any body that runs emulation work). Several can share one database."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    province = models.CharField(_("province"), max_length=200)
    place_name = models.CharField(_("place name on documents"), max_length=100, blank=True)
    document_suffix = models.CharField(_("document number suffix"), max_length=30, default="UBND")

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")

    def __str__(self) -> str:
        return self.name


class Movement(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="movements")
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=300)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    plan_reference = models.CharField(_("plan reference"), max_length=200, blank=True)
    is_thematic = models.BooleanField(
        _("thematic movement"),
        default=True,
        help_text=_("Awards of a thematic movement do not count toward higher merit awards."),
    )

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        constraints = [
            models.UniqueConstraint(fields=["authority", "code"], name="movement_code_unique"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="movement_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class ContentArea(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="content_areas")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        verbose_name = _("content area")
        verbose_name_plural = _("content areas")
        ordering = ["movement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "number"], name="content_area_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class CriteriaGroup(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="criteria_groups")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        verbose_name = _("criteria group")
        verbose_name_plural = _("criteria groups")
        ordering = ["movement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "number"], name="criteria_group_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class OccasionKind(models.TextChoices):
    ANNUAL = "annual", _("Annual")
    INTERIM = "interim", _("Interim review")
    FINAL = "final", _("Final review")


class Occasion(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="occasions")
    code = models.SlugField(_("code"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=OccasionKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    window_opens = models.DateField(_("nominations open"))
    window_closes = models.DateField(_("nominations close"))

    class Meta:
        verbose_name = _("occasion")
        verbose_name_plural = _("occasions")
        ordering = ["year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "code"], name="occasion_code_unique"),
            models.CheckConstraint(
                condition=Q(window_closes__gte=F("window_opens")), name="occasion_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def window_is_open(self, on: dt.date) -> bool:
        return self.window_opens <= on <= self.window_closes


class AwardLevel(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    PROVINCE = "province", _("Province")
    STATE = "state", _("State")


class AwardCategory(models.TextChoices):
    MERIT = "merit", _("Award (form)")
    TITLE = "title", _("Title")


class AwardType(models.Model):
    """A form of award or an emulation title, with who decides it and what it pays."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="award_types")
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=AwardLevel.choices)
    decided_by = models.CharField(_("decided by"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=AwardCategory.choices)
    allows_collective = models.BooleanField(_("collectives may be nominated"), default=True)
    allows_individual = models.BooleanField(_("individuals may be nominated"), default=True)
    allows_household = models.BooleanField(_("households may be nominated"), default=False)
    coefficient_individual = models.DecimalField(
        _("coefficient (individual)"), max_digits=6, decimal_places=2, default=Decimal(0)
    )
    coefficient_collective = models.DecimalField(
        _("coefficient (collective)"), max_digits=6, decimal_places=2, default=Decimal(0)
    )
    household_multiplier = models.DecimalField(
        _("household multiplier of the individual amount"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.5"),
    )
    requires_council = models.BooleanField(_("requires a council vote"), default=True)
    vote_threshold_percent = models.DecimalField(
        _("vote threshold (percent of all members)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty means a simple majority of all members."),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    quota_limited = models.BooleanField(
        _("limited by quota"),
        default=True,
        help_text=_("Off for awards with no fixed number (state-level awards)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("award type")
        verbose_name_plural = _("award types")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "code"], name="award_type_code_unique"),
            models.CheckConstraint(
                condition=Q(coefficient_individual__gte=0)
                & Q(coefficient_collective__gte=0)
                & Q(household_multiplier__gte=0),
                name="award_type_coefficients_non_negative",
                violation_error_message=_("Coefficients cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_commune_decided(self) -> bool:
        """Decided by the commune chair: ends in an award decision, not a submission upwards."""
        return self.level == AwardLevel.COMMUNE

    def allows(self, kind: str) -> bool:
        by_kind: dict[str, bool] = {
            NomineeKind.COLLECTIVE: self.allows_collective,
            NomineeKind.INDIVIDUAL: self.allows_individual,
            NomineeKind.HOUSEHOLD: self.allows_household,
        }
        return by_kind.get(kind, False)

    def clean(self) -> None:
        for field in ("coefficient_individual", "coefficient_collective", "household_multiplier"):
            value = getattr(self, field)
            if value is not None and value < 0:
                raise ValidationError({field: _("Coefficients cannot be negative.")})


class QuotaLedger(models.Model):
    """Seats for one (occasion, award type, nominee kind). `used` moves only by conditional F() updates."""

    occasion = models.ForeignKey(Occasion, on_delete=models.PROTECT, related_name="quotas")
    award_type = models.ForeignKey(AwardType, on_delete=models.PROTECT, related_name="quotas")
    nominee_kind = models.CharField(_("nominee kind"), max_length=20, choices=NomineeKind.choices)
    limit = models.PositiveIntegerField(_("limit"))
    used = models.PositiveIntegerField(_("used"), default=0)

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["occasion__year", "occasion__kind", "award_type__order", "nominee_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["occasion", "award_type", "nominee_kind"], name="quota_one_per_combination"
            ),
            models.CheckConstraint(
                condition=Q(used__gte=0) & Q(used__lte=F("limit")),
                name="quota_used_within_limit",
                violation_error_message=_("The limit cannot be lower than the seats already used."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occasion} · {self.award_type} · {self.get_nominee_kind_display()}"

    @property
    def remaining(self) -> int:
        return self.limit - self.used

    def clean(self) -> None:
        if self.limit is not None and self.used is not None and self.limit < self.used:
            raise ValidationError(
                {
                    "limit": _("The limit cannot be lower than the %(used)s seats already used.")
                    % {"used": self.used}
                }
            )


class UnitKind(models.TextChoices):
    OFFICE = "office", _("Office")
    VILLAGE = "village", _("Village")
    MASS_ORGANISATION = "mass_org", _("Mass organisation")
    SCHOOL = "school", _("School")
    HEALTH = "health", _("Health station")
    SERVICE_CENTRE = "service_centre", _("Service centre")
    ENTERPRISE = "enterprise", _("Enterprise")
    COOPERATIVE = "cooperative", _("Cooperative")


class Unit(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="units")
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    criteria_group = models.ForeignKey(
        CriteriaGroup, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("criteria group")
    )
    is_reviewing_office = models.BooleanField(
        _("runs emulation work"),
        default=False,
        help_text=_("The office that reviews dossiers (Phòng Văn hoá – Xã hội)."),
    )
    name_search = models.CharField(max_length=200, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["authority", "code"], name="unit_code_unique")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_search = normalise_for_search(self.name)
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    PROPOSER = "proposer", _("Unit proposer")
    REVIEWER = "reviewer", _("Office reviewer")
    OFFICE_HEAD = "office_head", _("Office head")
    COUNCIL_MEMBER = "council_member", _("Council member")
    SECRETARY = "secretary", _("Council secretary")
    CHAIR = "chair", _("Chair")
    CLERK = "clerk", _("Records clerk")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


class RoleAssignment(models.Model):
    """A user's role in one authority; for proposers and council members, also their home unit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("unit"))
    title = models.CharField(_("position"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "authority", "role"], name="role_once_per_user"),
            models.CheckConstraint(
                condition=~Q(role="proposer") | Q(unit__isnull=False),
                name="proposer_has_unit",
                violation_error_message=_("A unit proposer must belong to a unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNSPECIFIED = "", _("Not stated")


class Nominee(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="nominees", verbose_name=_("unit"))
    kind = models.CharField(_("nominee kind"), max_length=20, choices=NomineeKind.choices)
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True, default="")
    women_percent = models.PositiveSmallIntegerField(
        _("share of women (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("For collectives: used by the tie rule (at least 70% women)."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominee_records",
        help_text=_("When the nominee is a user of the system (for conflicts of interest)."),
    )
    on_hold = models.BooleanField(
        _("on hold"),
        default=False,
        help_text=_("Under discipline, inspection or an open complaint: cannot be awarded."),
    )
    on_hold_reason = models.CharField(_("reason for hold"), max_length=300, blank=True)
    name_search = models.CharField(max_length=200, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("nominee")
        verbose_name_plural = _("nominees")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_search = normalise_for_search(self.name)
        super().save(*args, **kwargs)

    @property
    def tie_preferred(self) -> bool:
        """Decree 152/2025 art. 4: prefer women, or collectives with at least 70% women."""
        if self.kind == NomineeKind.COLLECTIVE:
            return (self.women_percent or 0) >= 70
        return self.gender == Gender.FEMALE


class Dossier(DossierLifecycle, models.Model):
    """A nomination dossier. `status` is protected: only the lifecycle transitions move it."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="dossiers")
    occasion = models.ForeignKey(Occasion, on_delete=models.PROTECT, related_name="dossiers")
    award_type = models.ForeignKey(AwardType, on_delete=models.PROTECT, related_name="dossiers")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dossiers")
    nominee = models.ForeignKey(Nominee, on_delete=models.PROTECT, related_name="dossiers")
    nominee_kind = models.CharField(_("nominee kind"), max_length=20, choices=NomineeKind.choices)
    status = FSMField(
        _("status"), default=DossierStatus.DRAFT, choices=DossierStatus.choices, protected=True, db_index=True
    )
    held_from = models.CharField(max_length=30, blank=True, default="", editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    content_areas = models.ManyToManyField(ContentArea, blank=True, verbose_name=_("content areas"))
    criteria_group = models.ForeignKey(
        CriteriaGroup, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("criteria group")
    )
    achievement_summary = models.TextField(_("achievement summary"), blank=True)
    return_reason = models.TextField(_("reason"), blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossiers_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    search_text = models.CharField(max_length=500, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("nomination dossier")
        verbose_name_plural = _("nomination dossiers")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["authority", "status", "updated_at"], name="dossier_status_recent"),
            models.Index(fields=["unit", "status"], name="dossier_unit_status"),
        ]
        constraints = [
            # One award per achievement: one live dossier per nominee, occasion and award type.
            models.UniqueConstraint(
                fields=["nominee", "occasion", "award_type"],
                condition=~Q(
                    status__in=["withdrawn", "ineligible", "council_rejected", "province_rejected", "revoked"]
                ),
                name="one_live_dossier_per_nominee_award",
                violation_error_message=_(
                    "This nominee already has a live dossier for this occasion and award type."
                ),
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="dossier_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.nominee} · {self.award_type}"

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if fields is None or "search_text" in fields:  # a save of other fields would not write it
            self.search_text = " ".join(
                filter(None, [normalise_for_search(self.nominee.name), normalise_for_search(self.unit.name)])
            )
        super().save(*args, **kwargs)


class QuotaSeat(models.Model):
    """One seat per dossier (unique), so a release gives back exactly the seat that was taken."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="quota_seat")
    quota = models.ForeignKey(QuotaLedger, on_delete=models.PROTECT, related_name="seats")
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quota seat")
        verbose_name_plural = _("quota seats")

    def __str__(self) -> str:
        return f"{self.quota} ← {self.dossier_id}"


class AttachmentKind(models.TextChoices):
    ACHIEVEMENT_REPORT = "achievement_report", _("Achievement report")
    SUPPORTING = "supporting", _("Supporting document")
    MINUTES = "minutes", _("Minutes")
    DECISION = "decision", _("Decision")


class Attachment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=30, choices=AttachmentKind.choices)
    original_name = models.CharField(_("file name"), max_length=255)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    dossier_version = models.PositiveIntegerField(_("dossier version"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_in_version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


# --- Dated rules (DOMAIN.md §4) ------------------------------------------------------------------


class CouncilRule(models.Model):
    """Quorum rules of the council, in force from a date."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="council_rules")
    effective_from = models.DateField(_("effective from"))
    quorum_percent = models.DecimalField(
        _("quorum for a valid session (percent of members)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    award_quorum_percent = models.DecimalField(
        _("quorum for a session that decides awards (percent of members)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    secret_ballot = models.BooleanField(_("secret ballot"), default=True)

    class Meta:
        verbose_name = _("council rule")
        verbose_name_plural = _("council rules")
        ordering = ["authority", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "effective_from"], name="council_rule_once_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.authority} · {self.effective_from:%d/%m/%Y}"


class SlaStep(models.TextChoices):
    RECEIVE = "receive", _("Receive a submitted dossier")
    APPRAISE = "appraise", _("Appraise after a complete dossier is received")
    NOTIFY_INELIGIBLE = "notify_ineligible", _("Notify an ineligible dossier")
    RESUBMIT = "resubmit", _("Supplement a returned dossier")
    AGENDA = "agenda", _("Put an appraised dossier on the council agenda")
    COUNCIL = "council", _("Council result")
    PREPARE_DECISION = "prepare_decision", _("Prepare the decision")
    SIGN = "sign", _("Chair signature")
    FORWARD = "forward", _("Forward a signed decision")


class SlaRule(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="sla_rules")
    step = models.CharField(_("step"), max_length=30, choices=SlaStep.choices)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    effective_from = models.DateField(_("effective from"))

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["authority", "step", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "step", "effective_from"], name="sla_once_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.working_days}"


class BaseSalary(models.Model):
    """The statutory base salary (mức lương cơ sở) for a period; periods never overlap."""

    amount = models.PositiveBigIntegerField(_("base salary (đồng)"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    legal_reference = models.CharField(_("legal reference"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("base salary")
        verbose_name_plural = _("base salaries")
        ordering = ["effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["effective_from"], name="base_salary_start_unique"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="base_salary_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount:,} đ".replace(",", ".")

    def clean(self) -> None:
        if self.effective_from is None:
            return
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("The period must end after it starts.")})
        far_future = dt.date(9999, 12, 31)
        mine_end = self.effective_to or far_future
        others = BaseSalary.objects.exclude(pk=self.pk)
        for other in others:
            other_end = other.effective_to or far_future
            if other.effective_from <= mine_end and self.effective_from <= other_end:
                raise ValidationError(
                    _("This period overlaps the base salary in force from %(start)s.")
                    % {"start": other.effective_from.strftime("%d/%m/%Y")}
                )


class LegalBasis(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="legal_bases")
    citation = models.CharField(_("citation"), max_length=500)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["authority", "order"]

    def __str__(self) -> str:
        return self.citation


class PublicHoliday(models.Model):
    """A day off (or, with is_working_day, a weekend day worked in exchange)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_working_day = models.BooleanField(
        _("make-up working day"), default=False, help_text=_("A weekend day that is worked in exchange.")
    )

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class CouncilOutcome(models.TextChoices):
    APPROVED = "approved", _("Passed")
    REJECTED = "rejected", _("Not passed")
    OVER_QUOTA = "over_quota", _("Passed but over quota")
    TIE_TO_CHAIR = "tie_to_chair", _("Tied at the quota limit: chair decides")


class CouncilTally(models.Model):
    """The council's count for one dossier (paper tally or in-app ballots), as recorded."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="council_tallies")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("session date"))
    session_ref = models.CharField(_("session"), max_length=100, blank=True)
    members_all = models.PositiveSmallIntegerField(_("all council members"))
    members_present = models.PositiveSmallIntegerField(_("members present"))
    issued = models.PositiveSmallIntegerField(_("ballots issued"))
    returned = models.PositiveSmallIntegerField(_("ballots returned"))
    valid = models.PositiveSmallIntegerField(_("valid ballots"))
    agreeing = models.PositiveSmallIntegerField(_("agreeing"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=CouncilOutcome.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("vote count")
        verbose_name_plural = _("vote counts")
        ordering = ["dossier", "-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agreeing__lte=F("valid"))
                & Q(valid__lte=F("returned"))
                & Q(returned__lte=F("issued")),
                name="tally_consistent",
            ),
            models.CheckConstraint(
                condition=Q(members_present__lte=F("members_all")), name="tally_present_le_all"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.agreeing}/{self.members_all}"

    @property
    def agreeing_percent(self) -> Decimal:
        if not self.members_all:
            return Decimal(0)
        return (Decimal(self.agreeing) * 100 / self.members_all).quantize(Decimal("0.01"))


# === Council sessions and secret ballots (issue 5; owned by the council engineer) ===================


class CouncilSessionStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Voting open")
    CLOSED = "closed", _("Closed")


class CouncilSession(models.Model):
    """One meeting of the emulation council (Hội đồng Thi đua – Khen thưởng) run in the app."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="council_sessions")
    held_on = models.DateField(_("meeting date"))
    place = models.CharField(_("place"), max_length=200)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="council_sessions_chaired",
        verbose_name=_("chair of the meeting"),
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="council_sessions_recorded",
        verbose_name=_("secretary"),
    )
    decides_awards = models.BooleanField(
        _("decides awards"), default=True, help_text=_("Sessions that decide awards need the higher quorum.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CouncilSessionStatus.choices, default=CouncilSessionStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    minutes_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    minutes_storage_name = models.CharField(max_length=255, blank=True, editable=False)
    # Hash of the published tally (counts and ballot commitments) recorded in the ledger at closing.
    tally_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="council_closed_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority} · {self.held_on:%d/%m/%Y}"


class SessionAgendaItem(models.Model):
    """A dossier on the session's agenda; after closing, its published tally and outcome."""

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="agenda")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="council_agenda_items")
    order = models.PositiveSmallIntegerField(default=0)
    issued = models.PositiveSmallIntegerField(_("ballots issued"), null=True, blank=True)
    returned = models.PositiveSmallIntegerField(_("ballots returned"), null=True, blank=True)
    valid = models.PositiveSmallIntegerField(_("valid ballots"), null=True, blank=True)
    agreeing = models.PositiveSmallIntegerField(_("agreeing"), null=True, blank=True)
    disagreeing = models.PositiveSmallIntegerField(_("disagreeing"), null=True, blank=True)
    abstaining = models.PositiveSmallIntegerField(_("abstaining"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, blank=True)
    outcome_reason = models.TextField(_("reason"), blank=True)
    # After closing only: [[commitment, choice], ...] sorted by commitment, so order reveals nothing.
    commitments = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "dossier"], name="agenda_dossier_once")]

    def __str__(self) -> str:
        return f"{self.session} · {self.dossier}"


class Attendance(models.Model):
    """The roster of a session (snapshot of the active council members when it was created)."""

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("present"), default=False)
    written_vote = models.BooleanField(_("voted in writing"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="attendance_member_once")]

    def __str__(self) -> str:
        return f"{self.session} · {self.member}"


class BallotChoice(models.TextChoices):
    AGREE = "agree", _("Agree")
    DISAGREE = "disagree", _("Disagree")
    ABSTAIN = "abstain", _("Abstain")


class Ballot(models.Model):
    """A member's ballot on one dossier. One row per (session, dossier, member): a second cast
    replaces the choice, it never adds a ballot.

    Secrecy: `choice` is read only by the tally at closing; no page, API or ledger event shows it.
    `commitment` = SHA-256 over session|dossier|member|choice|salt; the member keeps salt and
    commitment as a receipt, and after closing the (commitment, choice) pairs are published without
    names, so anyone can check counts and each member can check their own ballot was counted as cast.
    """

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="ballots")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=BallotChoice.choices)
    written = models.BooleanField(_("written vote"), default=False)
    commitment = models.CharField(max_length=64, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["session", "dossier", "member"], name="ballot_once_per_member"),
        ]

    def __str__(self) -> str:
        # Never the choice: this string may end up in logs or the admin.
        return f"{self.session} · {self.dossier_id} · {self.member_id}"


class RecusalReason(models.TextChoices):
    AUTO = "auto", _("Automatic (own unit or nominee)")
    DECLARED = "declared", _("Declared conflict of interest")


class Recusal(models.Model):
    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="recusals")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=10, choices=RecusalReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [
            models.UniqueConstraint(fields=["session", "dossier", "member"], name="recusal_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.dossier_id} · {self.member_id}"


# --- Decisions, signatures and submissions to the province (DOMAIN.md §5) --------------------------


class DecisionKind(models.TextChoices):
    AWARD = "award", _("Award decision")
    SUBMISSION = "submission", _("Submission to the province")
    REVOCATION = "revocation", _("Revocation decision")


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NUMBERED = "numbered", _("Numbered")
    SIGNED = "signed", _("Signed")
    ISSUED = "issued", _("Issued")
    REVOKED = "revoked", _("Revoked")


class SignerTitle(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY = "deputy", _("Vice-chair signing for the chair (KT. CHỦ TỊCH)")


# Document series: "QĐ" decisions, "TTr" submissions, "SV" golden-book entries.
SERIES_BY_KIND = {DecisionKind.AWARD: "QĐ", DecisionKind.REVOCATION: "QĐ", DecisionKind.SUBMISSION: "TTr"}
GOLDEN_BOOK_SERIES = "SV"
FROZEN_DECISION_STATES = frozenset({DecisionStatus.SIGNED, DecisionStatus.ISSUED, DecisionStatus.REVOKED})


class DocumentCounter(models.Model):
    """The last number issued in one series for one authority and year; locked while a number is taken,
    so numbers are sequential with no gap and no duplicate (a rolled-back issue gives its number back)."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="document_counters")
    year = models.PositiveSmallIntegerField(_("year"))
    series = models.CharField(_("series"), max_length=10)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        constraints = [
            models.UniqueConstraint(fields=["authority", "year", "series"], name="document_counter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.authority} · {self.series} · {self.year}: {self.last_number}"


class Decision(models.Model):
    """An award decision, a submission (tờ trình) to the province, or the decision revoking an award.

    Once signed it is frozen: the PDF's SHA-256, the signature and the number never change again; any
    later change needs a new decision (a revocation)."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="decisions")
    occasion = models.ForeignKey(Occasion, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=20, choices=DecisionKind.choices)
    series = models.CharField(_("series"), max_length=10, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DecisionStatus.choices,
        default=DecisionStatus.DRAFT,
        db_index=True,
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    number_year = models.PositiveSmallIntegerField(_("year of the number"), null=True, blank=True)
    reference = models.CharField(_("document number"), max_length=60, blank=True)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=500)
    reason = models.TextField(_("reason"), blank=True)
    revokes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revocations",
        verbose_name=_("revokes"),
    )
    signer_title = models.CharField(
        _("signs as"), max_length=20, choices=SignerTitle.choices, default=SignerTitle.CHAIR
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    pdf_storage_name = models.CharField(max_length=255, blank=True, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, db_index=True)
    signature = models.TextField(_("signature (Ed25519, base64)"), blank=True)
    public_key = models.TextField(_("public key (Ed25519, base64)"), blank=True)
    key_id = models.CharField(_("key id"), max_length=64, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    numbered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    FROZEN_FIELDS = (
        "kind",
        "authority_id",
        "occasion_id",
        "number",
        "number_year",
        "reference",
        "issued_on",
        "subject",
        "reason",
        "revokes_id",
        "signer_title",
        "signer_id",
        "signer_name",
        "pdf_storage_name",
        "sha256",
        "signature",
        "public_key",
        "key_id",
        "signed_at",
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "series", "number_year", "number"],
                condition=Q(number__isnull=False),
                name="decision_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number_year__isnull=False, issued_on__isnull=False),
                name="decision_number_has_year_and_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["signed", "issued", "revoked"])
                | (~Q(signature="") & ~Q(sha256="") & Q(number__isnull=False)),
                name="decision_signed_has_signature",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"{self.get_kind_display()} #{self.pk}"

    def save(self, *args, **kwargs):
        self.series = SERIES_BY_KIND.get(self.kind, "QĐ")
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values("status", *self.FROZEN_FIELDS).first()
            if stored and stored["status"] in FROZEN_DECISION_STATES:
                changed = [f for f in self.FROZEN_FIELDS if stored[f] != getattr(self, f)]
                if changed:
                    raise ValidationError(
                        _("A signed decision cannot be changed (%(fields)s); issue a new decision instead.")
                        % {"fields": ", ".join(changed)}
                    )
        super().save(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_DECISION_STATES


class ProvinceResult(models.TextChoices):
    APPROVED = "approved", _("Province approved")
    RETURNED = "returned", _("Province returned")
    REJECTED = "rejected", _("Province rejected")


class DecisionEntry(models.Model):
    """One dossier in a decision, with what the document says about it (kept as written)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="entries")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="decision_entries")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    nominee_name = models.CharField(_("name"), max_length=200)
    nominee_kind = models.CharField(_("nominee kind"), max_length=20, choices=NomineeKind.choices)
    position = models.CharField(_("position"), max_length=400, blank=True)
    award_name = models.CharField(_("award (form)"), max_length=200)
    summary = models.TextField(_("achievement summary"), blank=True)
    reward_amount = models.PositiveBigIntegerField(_("reward money"), default=0)
    golden_book_number = models.CharField(_("golden-book number"), max_length=30, blank=True)
    province_result = models.CharField(
        _("province result"), max_length=20, choices=ProvinceResult.choices, blank=True
    )
    province_decision_number = models.CharField(_("province decision number"), max_length=60, blank=True)
    province_decided_on = models.DateField(_("province decision date"), null=True, blank=True)
    province_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("decision entry")
        verbose_name_plural = _("decision entries")
        ordering = ["decision", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "dossier"], name="decision_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} · {self.nominee_name}"


class SigningKey(models.Model):
    """A signer's Ed25519 public key. The private key stays in settings.KEYS_DIR, never in the database;
    a document verifies only against a key registered here."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signing_keys")
    key_id = models.CharField(_("key id"), max_length=64, unique=True)
    public_key = models.TextField(_("public key (Ed25519, base64)"))
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")

    def __str__(self) -> str:
        return f"{self.user} · {self.key_id}"


class ProvinceSubmission(models.Model):
    """The package sent to the province for one signed submission, with the SHA-256 of every file."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="province_submission")
    package_storage_name = models.CharField(max_length=255, editable=False)
    package_sha256 = models.CharField("SHA-256", max_length=64)
    package_size = models.PositiveBigIntegerField(_("size"))
    manifest = models.JSONField(_("manifest"), default=dict)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    external_reference = models.CharField(_("reference in the province's system"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("submission to the province")
        verbose_name_plural = _("submissions to the province")

    def __str__(self) -> str:
        return f"{self.decision} · {self.sent_at:%d/%m/%Y}"
