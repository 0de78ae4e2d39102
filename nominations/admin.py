"""Django admin for all configuration. Model clean() methods refuse bad values with a clear message."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import models as m

admin.site.site_header = _("thidua — administration")
admin.site.site_title = _("thidua")
admin.site.index_title = _("Configuration")


@admin.register(m.Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province"]


class ContentAreaInline(admin.TabularInline):
    model = m.ContentArea
    extra = 0


class CriteriaGroupInline(admin.TabularInline):
    model = m.CriteriaGroup
    extra = 0


@admin.register(m.Movement)
class MovementAdmin(admin.ModelAdmin):
    list_display = ["name", "authority", "starts_on", "ends_on"]
    inlines = [ContentAreaInline, CriteriaGroupInline]


@admin.register(m.Occasion)
class OccasionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "year", "window_opens", "window_closes"]
    list_filter = ["kind", "year"]


@admin.register(m.AwardType)
class AwardTypeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "level",
        "category",
        "coefficient_individual",
        "coefficient_collective",
        "requires_council",
        "vote_threshold_percent",
    ]


@admin.register(m.QuotaLedger)
class QuotaLedgerAdmin(admin.ModelAdmin):
    list_display = ["occasion", "award_type", "nominee_kind", "limit", "used", "remaining"]
    list_filter = ["occasion", "award_type", "nominee_kind"]
    # `used` moves only through actions (quota seats); the admin may change the limit.
    readonly_fields = ["used"]

    @admin.display(description=_("remaining"))
    def remaining(self, obj: m.QuotaLedger) -> int:
        return obj.remaining


@admin.register(m.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "authority", "is_reviewing_office"]
    list_filter = ["kind"]
    search_fields = ["name", "name_search"]


@admin.register(m.RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "authority", "active"]
    list_filter = ["role", "active"]


@admin.register(m.Nominee)
class NomineeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "on_hold"]
    list_filter = ["kind", "on_hold"]
    search_fields = ["name", "name_search"]


@admin.register(m.Dossier)
class DossierAdmin(admin.ModelAdmin):
    """Read-only here: a dossier moves only through the workflow actions."""

    list_display = ["id", "nominee", "award_type", "occasion", "unit", "status", "version"]
    list_filter = ["status", "occasion", "award_type"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(m.CouncilRule)
class CouncilRuleAdmin(admin.ModelAdmin):
    list_display = ["authority", "effective_from", "quorum_percent", "award_quorum_percent", "secret_ballot"]


@admin.register(m.SlaRule)
class SlaRuleAdmin(admin.ModelAdmin):
    list_display = ["step", "working_days", "effective_from", "authority"]


@admin.register(m.BaseSalary)
class BaseSalaryAdmin(admin.ModelAdmin):
    list_display = ["amount", "effective_from", "effective_to", "legal_reference"]


@admin.register(m.LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    list_display = ["citation", "effective_from", "effective_to", "order"]


@admin.register(m.PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_working_day"]
    date_hierarchy = "date"
