import json

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from coordination.exports import csv_response
from coordination.models import (
    Area,
    AuditEvent,
    Center,
    CenterClosure,
    LoginAttempt,
    Organisation,
    Profession,
    User,
)
from coordination.security import AdminLoginForm, audit, unlock

admin.site.login_form = AdminLoginForm


def _message_text(message):
    """The admin's change message (a JSON list) as readable text."""
    if isinstance(message, list):
        return json.dumps(message, ensure_ascii=False)[:2000]
    return str(message)[:2000]


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change and delete made in the Django admin also goes to the audit log."""

    def log_addition(self, request, obj, message):
        audit(request, AuditEvent.Action.CREATE, obj, _message_text(message))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit(request, AuditEvent.Action.UPDATE, obj, _message_text(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit(request, AuditEvent.Action.DELETE, obj, "管理画面から削除")
        return super().log_deletions(request, queryset)


class ReadOnlyLogAdmin(admin.ModelAdmin):
    """Logs are append-only from the application: no add, change or delete here (so no
    "delete selected" action either)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyLogAdmin):
    list_display = ("at", "username", "action", "object_type", "object_repr", "ip", "path")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_repr", "object_id", "detail", "path", "ip")
    date_hierarchy = "at"
    actions = ["export_csv"]

    @admin.action(description="選んだ監査ログをCSVで出力")
    def export_csv(self, request, queryset):
        header = ["日時", "ユーザー", "操作", "対象の種類", "対象ID", "対象", "内容", "IPアドレス", "URL"]
        rows = (
            [
                e.at.isoformat(),
                e.username,
                e.get_action_display(),
                e.object_type,
                e.object_id,
                e.object_repr,
                e.detail,
                e.ip,
                e.path,
            ]
            for e in queryset.order_by("at", "pk")
        )
        return csv_response("audit-log.csv", header, rows)


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyLogAdmin):
    list_display = ("at", "username", "ip", "succeeded", "cleared")
    list_filter = ("succeeded", "cleared")
    search_fields = ("username", "ip")
    actions = ["unlock_accounts"]

    @admin.action(description="選んだ試行のアカウントのロックを解除")
    def unlock_accounts(self, request, queryset):
        names = sorted({a.username for a in queryset})
        for name in names:
            unlock(name, request)
        messages.success(request, f"{'、'.join(names)} のロックを解除しました。")


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "center", "is_active")
    list_filter = ("role", "center", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("ポータルでの役割", {"fields": ("role", "center", "profession", "affiliation")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("ポータルでの役割", {"fields": ("role", "center", "profession", "affiliation")}),
    )


class CenterClosureInline(admin.TabularInline):
    model = CenterClosure
    extra = 1


@admin.register(Center)
class CenterAdmin(AuditedAdmin):
    list_display = ("code", "name", "phone", "sort_order")
    search_fields = ("code", "name")
    filter_horizontal = ("areas",)
    inlines = [CenterClosureInline]


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ("name", "kind", "parent", "code", "sort_order")
    list_filter = ("kind",)
    search_fields = ("name", "code")


@admin.register(Profession)
class ProfessionAdmin(AuditedAdmin):
    list_display = ("name", "short_name", "sort_order")
    search_fields = ("name",)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "short_name", "kind", "profession", "sort_order")
    list_filter = ("kind",)
    search_fields = ("name",)
