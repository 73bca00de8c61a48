from django.contrib import admin

from coordination.admin import AuditedAdmin
from meetings.models import IssueCategory, MeetingKind, Series


@admin.register(MeetingKind)
class MeetingKindAdmin(AuditedAdmin):
    list_display = fields = ("name", "sort_order")


@admin.register(IssueCategory)
class IssueCategoryAdmin(AuditedAdmin):
    list_display = fields = ("name", "sort_order")


@admin.register(Series)
class SeriesAdmin(AuditedAdmin):
    list_display = ("name", "center", "kind", "tier", "cadence", "active")
    list_filter = ("center", "active")
