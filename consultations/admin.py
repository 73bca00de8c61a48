from django.contrib import admin

from consultations.models import AccessLog, ConsultantType, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("path", "parent", "sort_order", "active")
    list_filter = ("parent", "active")
    search_fields = ("name",)


@admin.register(ConsultantType)
class ConsultantTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "sort_order")


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the access log is append-only from the application."""

    list_display = ("at", "user", "action", "consultation", "path")
    list_filter = ("action",)
    search_fields = ("user__username", "path")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
