from django.contrib import admin

from consultations.models import AccessLog, ConsultantType, Topic
from coordination.admin import AuditedAdmin, ReadOnlyLogAdmin


@admin.register(Topic)
class TopicAdmin(AuditedAdmin):
    list_display = ("path", "parent", "sort_order", "active")
    fields = ("parent", "name", "sort_order", "active")
    list_filter = ("parent", "active")
    search_fields = ("name",)


@admin.register(ConsultantType)
class ConsultantTypeAdmin(AuditedAdmin):
    list_display = fields = ("name", "sort_order")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyLogAdmin):
    """Read-only: the access log is append-only from the application."""

    list_display = ("at", "user", "action", "consultation", "shown", "path")
    list_filter = ("action",)
    search_fields = ("user__username", "path")
