from django.contrib import admin

from coordination.admin import AuditedAdmin, LookupTableAdmin
from meetings.models import IssueCategory, ItemTarget, MeetingKind, Series

admin.site.register([MeetingKind, IssueCategory], LookupTableAdmin)


@admin.register(Series)
class SeriesAdmin(AuditedAdmin):
    list_display = ("name", "center", "kind", "tier", "cadence", "active")
    list_filter = ("center", "active")


@admin.register(ItemTarget)
class ItemTargetAdmin(AuditedAdmin):
    """計画値: entered per item at the start of each 年度 (the 事業評価 compares against them)."""

    list_display = ("fiscal_year", "item", "measure", "planned", "center", "ward")
    list_filter = ("fiscal_year", "item", "center", "ward")
    fields = ("fiscal_year", "item", "measure", "planned", "center", "ward", "note")
