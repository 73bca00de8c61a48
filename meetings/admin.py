from django.contrib import admin

from meetings.models import IssueCategory, MeetingKind, Series


@admin.register(MeetingKind)
class MeetingKindAdmin(admin.ModelAdmin):
    list_display = ("name", "sort_order")


@admin.register(IssueCategory)
class IssueCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "sort_order")


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ("name", "center", "kind", "tier", "cadence", "active")
    list_filter = ("center", "active")
