from django.contrib import admin

from coordination.admin import AuditedAdmin, LookupTableAdmin
from training.models import (
    Event,
    EventFormat,
    EventOrganisation,
    SupporterCount,
    SupporterCourse,
    TaskTemplate,
    TaskTemplateItem,
)

admin.site.register([EventFormat, SupporterCourse], LookupTableAdmin)


@admin.register(SupporterCount)
class SupporterCountAdmin(AuditedAdmin):
    """Supporters trained outside the portal's events, per 年度 (added on the yearly history)."""

    list_display = ("fiscal_year", "course", "center", "count", "note")
    list_filter = ("course", "fiscal_year")
    fields = ("course", "center", "fiscal_year", "count", "note")


class TaskTemplateItemInline(admin.TabularInline):
    model = TaskTemplateItem
    extra = 2
    fields = ("phase", "text", "owner", "sort_order")


@admin.register(TaskTemplate)
class TaskTemplateAdmin(AuditedAdmin):
    list_display = ("name", "format")
    inlines = [TaskTemplateItemInline]


class EventOrganisationInline(admin.TabularInline):
    model = EventOrganisation
    extra = 1


@admin.register(Event)
class EventAdmin(AuditedAdmin):
    """Events are edited in the portal; the admin is for corrections. Registrations (personal
    data) are not registered here."""

    list_display = ("title", "starts_at", "item", "center", "capacity")
    list_filter = ("item", "center", "delivery")
    search_fields = ("title", "description")
    date_hierarchy = "starts_at"
    filter_horizontal = ("formats", "audience_professions")
    # Who entered the event is the portal's record (shown last, as it always was), not an input.
    readonly_fields = ("created_by",)
    inlines = [EventOrganisationInline]
