import decimal
import json
from collections import Counter

from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import router
from django.http import HttpResponseRedirect
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from import_export import resources, widgets
from import_export.admin import ImportExportModelAdmin
from import_export.forms import SelectableFieldsExportForm
from import_export.results import RowResult
from import_export.widgets import ForeignKeyWidget, ManyToManyWidget

from coordination.exports import csv_response
from coordination.forms import as_stored, use_area_tree
from coordination.models import (
    Area,
    AreaStatistics,
    AuditEvent,
    AuthenticatorDevice,
    BackupCodeDevice,
    Center,
    CenterClosure,
    DeniedRequestTally,
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


class SaneDateDrilldown:
    """The date drill-down's year/month/day that do not fit a date go back to the list with the
    admin's own 「不正なパラメータ」 notice (Django lets an integer overflow become a 500)."""

    def changelist_view(self, request, extra_context=None):
        if self.date_hierarchy:
            for part, top in (("year", 9999), ("month", 12), ("day", 31)):
                value = request.GET.get(f"{self.date_hierarchy}__{part}")
                if value is not None and not (value.isdigit() and 0 < int(value) <= top):
                    return HttpResponseRedirect(request.path + "?e=1")
        return super().changelist_view(request, extra_context)


class AuditedAdmin(SaneDateDrilldown, admin.ModelAdmin):
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

    def get_form(self, request, obj=None, **kwargs):
        """The change form works on a copy of the record (as_stored), so that the page around it
        (the admin's title and breadcrumb read the record it was given) keeps the stored
        name after a refused save. The admin saves and logs the form's own instance, the copy."""
        form_class = super().get_form(request, obj, **kwargs)

        class EditsStoredCopy(form_class):
            def __init__(self, *args, instance=None, **form_kwargs):
                super().__init__(*args, instance=as_stored(instance), **form_kwargs)

        EditsStoredCopy.__name__ = form_class.__name__
        return EditsStoredCopy


class WholeNumberWidget(widgets.IntegerWidget):
    """A cell that is no number (並び順 「abc」) is the row's field error, said in Japanese: the
    library's widget lets decimal's InvalidOperation through, which is no ValueError, so the
    page showed 「[<class 'decimal.ConversionSyntax'>]」 instead of the row and its column."""

    def clean(self, value, row=None, **kwargs):
        try:
            number = super().clean(value, row, **kwargs)
        except (decimal.InvalidOperation, ValueError):
            raise ValueError(f"「{value}」は数ではありません。数字で書いてください。") from None
        # The library truncates (1.5 is stored as 1), which would move the row in its list with
        # no word; Excel's 3.0 for 3 is a whole number and passes.
        try:
            whole = number is None or decimal.Decimal(str(value).strip()) == number
        except decimal.InvalidOperation:  # written with separators (1,000): the library read it
            whole = True
        if not whole:
            raise ValueError(f"「{value}」は整数ではありません。小数点のない数で書いてください。")
        return number


class NamedForeignKeyWidget(ForeignKeyWidget):
    """A name the referenced table does not have (大分類 「ない分類」) is said in Japanese, naming
    the value, instead of Django's 「Topic matching query does not exist.」."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"「{value}」という{self.model._meta.verbose_name}はありません。") from None


class NamedManyToManyWidget(ManyToManyWidget):
    """Codes separated by 「|」 (home-visit|end-of-life). A code the referenced table does not
    have is the row's error, naming it: the library drops it without a word, so a typo in the
    sheet would silently leave a 相談内容 without the capability it was meant to suggest."""

    def clean(self, value, row=None, **kwargs):
        found = super().clean(value, row, **kwargs)
        if not value or isinstance(value, (int, float)):
            return found
        wanted = [code.strip() for code in str(value).split(self.separator) if code.strip()]
        known = {str(code) for code in found.values_list(self.field, flat=True)}
        unknown = [code for code in wanted if code not in known]
        if unknown:
            names = "・".join(f"「{code}」" for code in unknown)
            raise ValueError(f"{names}という{self.model._meta.verbose_name}はありません。")
        return found


# Reference data moves between installations as a spreadsheet (管理画面 → インポート/エクスポート,
# django-import-export): rows are matched on a natural key (a code, else the name), so a sheet
# exported from one city updates the rows another city already has instead of doubling them.
class ReferenceResource(resources.ModelResource):
    """The sheet's columns are named as the admin's forms name the fields (名称, 並び順): an admin
    reads and fills them in Japanese, and a sheet exported here imports back unchanged.

    Each row is checked as the admin's form checks it (full_clean: a required 名称 left empty, a
    name another row has), so a bad row is listed with its column and Django's Japanese message
    instead of being saved blank or failing on the database's constraint in English."""

    class Meta:
        clean_model_instances = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        model = self._meta.model
        for name, field in self.fields.items():
            if name in {f.name for f in model._meta.get_fields()}:
                field.column_name = str(model._meta.get_field(name).verbose_name)

    @classmethod
    def get_display_name(cls):
        """The table's name where import-export names the resource (「在宅対応機能」, not the class)."""
        return str(cls._meta.model._meta.verbose_name)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """A row's errors are listed under the sheet's column names (並び順), not the fields'
        attribute names (sort_order), which import-export shows as they are."""
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            raise ValidationError(
                {
                    (self.fields[key].column_name if key in self.fields else key): messages
                    for key, messages in exc.error_dict.items()
                }
            ) from None

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        widget = super().widget_from_django_field(f, default)
        return WholeNumberWidget if widget is widgets.IntegerWidget else widget

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """A sheet without the column its rows are matched on (コード, else 名称) is refused whole,
        in Japanese: import-export words that message before translating it, shows a traceback
        with it and then tries every row anyway (each failing on the database in English)."""
        headers = dataset.headers or []
        missing = [
            self.fields[name].column_name
            for name in self.get_import_id_fields()
            if name in self.fields and self.fields[name].column_name not in headers
        ]
        if not missing:
            return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)
        columns = "・".join(f"「{c}」" for c in missing)
        error = ValueError(
            f"{columns}の列がありません。既にある行とはこの列で照らし合わせます。"
            "1行目の列名を、エクスポートしたファイルと同じにしてください。"
        )
        if raise_errors:
            raise error
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        base_error = self.get_error_result_class()(error)
        base_error.traceback = ""  # the message says it all; no Python traceback on the page
        result.append_base_error(base_error)
        return result


class JapaneseExportForm(SelectableFieldsExportForm):
    """The export page's column choices named as the sheet names them (ReferenceResource)."""

    def _get_field_label(self, resource, field_name):
        return resource().fields[field_name].column_name


class ReferenceDataAdmin(ImportExportModelAdmin, AuditedAdmin):
    """Import/export of a reference table. The CSV is written with a BOM, without which Excel
    reads UTF-8 as Shift_JIS, and a CSV saved by Excel (Shift_JIS) is read as well as UTF-8."""

    to_encoding = "utf-8-sig"
    export_form_class = JapaneseExportForm

    def write_to_tmp_storage(self, import_file, input_format):
        if not input_format.is_binary():
            data = b"".join(import_file.chunks())
            try:
                data.decode("utf-8-sig")
            except UnicodeDecodeError:
                try:
                    data = data.decode("cp932").encode("utf-8")
                except UnicodeDecodeError:
                    pass  # neither: import-export reports the file as unreadable
            import_file = ContentFile(data, name=import_file.name)
        return super().write_to_tmp_storage(import_file, input_format)

    IMPORTED = {
        RowResult.IMPORT_TYPE_NEW: AuditEvent.Action.CREATE,
        RowResult.IMPORT_TYPE_UPDATE: AuditEvent.Action.UPDATE,
        RowResult.IMPORT_TYPE_DELETE: AuditEvent.Action.DELETE,
    }

    def generate_log_entries(self, result, request):
        """Each row a confirmed import created, changed or deleted goes to the audit log, as an
        edit in the admin does: import-export writes the admin's history itself, past
        log_addition and log_change (AuditedAdmin)."""
        super().generate_log_entries(result, request)
        for row in result:
            action = self.IMPORTED.get(row.import_type)
            if action is not None and row.instance is not None:
                audit(request, action, row.instance, "管理画面からインポート")

    def add_data_read_fail_error_to_form(self, form, e):
        form.add_error(
            "import_file",
            "ファイルを読み取れませんでした。形式（CSV・Excel）が選んだものと合っているか、"
            "文字コードが UTF-8 か Shift_JIS かを確かめてください。",
        )


class ProfessionResource(ReferenceResource):
    class Meta:
        model = Profession
        import_id_fields = ("name",)
        fields = ("name", "short_name", "sort_order")


class OrganisationResource(ReferenceResource):
    profession = resources.Field(
        attribute="profession", widget=NamedForeignKeyWidget(Profession, field="name")
    )

    class Meta:
        model = Organisation
        import_id_fields = ("name",)
        fields = ("name", "short_name", "kind", "profession", "sort_order")


class LookupTableAdmin(AuditedAdmin):
    """A lookup table that is a name and its 並び順 (相談者区分, 会議の種類, 研修の形式 …)."""

    list_display = fields = ("name", "sort_order")


class ReadOnlyLogAdmin(SaneDateDrilldown, admin.ModelAdmin):
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
                f"{timezone.localtime(e.at):%Y-%m-%d %H:%M:%S}",  # the city's time, as the admin list shows it
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


@admin.register(DeniedRequestTally)
class DeniedRequestTallyAdmin(ReadOnlyLogAdmin):
    list_display = ("window_start", "kind", "ip", "count", "last_path")
    list_filter = ("kind",)
    search_fields = ("ip", "kind", "last_path")
    date_hierarchy = "window_start"


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


# --- Second-factor devices ----------------------------------------------------------------------
# django-otp's own admin pages show (and let an admin type) a TOTP secret and list unused backup
# codes: whoever reads them can pass as the device's owner. The portal's pages show only who has
# which device and when it was last used; an admin may remove one (audited), and its owner enrols
# again at the next login.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def reset_second_factor(request, user):
    """Removes every second-factor device of `user`, with one audit event per device."""
    removed = []
    for device in [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]:
        audit(request, AuditEvent.Action.TWO_FACTOR, device, _device_removed(device))
        removed.append(device)
        device.delete()
    return removed


def _device_removed(device):
    kind = "バックアップコード" if isinstance(device, StaticDevice) else "認証アプリ"
    return f"管理者が{device.user.get_username()}の{kind}（{device.name}）を削除（本人は次のログインで登録し直します）"


class SecondFactorAdmin(admin.ModelAdmin):
    # django-otp's field names are English: each column is shown under a Japanese heading.
    list_display = ("owner", "device_name", "is_confirmed", "created", "last_used")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__last_name", "user__first_name")
    fields = ("owner", "device_name", "is_confirmed", "created", "last_used")
    readonly_fields = fields

    @admin.display(description="利用者", ordering="user__username")
    def owner(self, device):
        return f"{device.user}（{device.user.get_username()}）"

    @admin.display(description="名前")
    def device_name(self, device):
        return device.name

    @admin.display(description="登録済み", boolean=True)
    def is_confirmed(self, device):
        return device.confirmed

    @admin.display(description="登録日時", ordering="created_at")
    def created(self, device):
        return device.created_at

    @admin.display(description="最後に使った日時", ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def log_deletions(self, request, queryset):
        for device in queryset:
            audit(request, AuditEvent.Action.TWO_FACTOR, device, _device_removed(device))
        return super().log_deletions(request, queryset)


admin.site.register(AuthenticatorDevice, SecondFactorAdmin)
admin.site.register(BackupCodeDevice, SecondFactorAdmin)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "center", "is_active")
    list_filter = ("role", "center", "is_active")
    actions = ["reset_two_factor"]

    def get_deleted_objects(self, objs, request):
        """A user who appears in the audit log or a consultation's access log is kept (PROTECT):
        instead of listing every protected log row, the page says so in one line per user and
        what to do instead."""
        refusals = []
        for user in objs:
            collector = NestedObjects(using=router.db_for_write(User))
            collector.collect([user])
            if collector.protected:
                counts = Counter(obj._meta.verbose_name for obj in collector.protected)
                found = "・".join(f"{name} {count:,}件" for name, count in counts.items())
                refusals.append(
                    f"{user}（{user.get_username()}）は{found}に記録があるため削除できません。"
                    "退職・異動のときは、変更画面で「有効」のチェックを外して無効にしてください（記録は残ります）。"
                )
        if refusals:
            return [], {}, set(), refusals
        return super().get_deleted_objects(objs, request)

    @admin.action(description="選んだユーザーの二要素認証を解除（次のログインで登録し直し）")
    def reset_two_factor(self, request, queryset):
        count = sum(len(reset_second_factor(request, user)) for user in queryset)
        messages.success(request, f"二要素認証の登録を{count}件削除しました。")

    # What the portal uses of a user: its role decides what it may do, so Django's groups and
    # per-model permissions (「Can add log entry」 …) are left off the page.
    ROLE_FIELDS = ("ポータルでの役割", {"fields": ("role", "center", "ward", "profession", "affiliation")})
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("氏名・連絡先", {"fields": ("last_name", "first_name", "email")}),
        ROLE_FIELDS,
        ("管理画面", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("記録", {"fields": ("last_login", "date_joined")}),
    )
    # A new user is named at once (姓 名): the header, 対応者 and sign-ups show the name.
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("氏名・連絡先", {"fields": ("last_name", "first_name", "email")}),
        ROLE_FIELDS,
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return use_area_tree(field) if db_field.name == "ward" and field is not None else field


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
class ProfessionAdmin(ReferenceDataAdmin):
    resource_classes = [ProfessionResource]
    list_display = ("name", "short_name", "aliases", "sort_order")
    fields = ("name", "short_name", "aliases", "sort_order")
    search_fields = ("name", "short_name", "aliases")


@admin.register(Organisation)
class OrganisationAdmin(ReferenceDataAdmin):
    resource_classes = [OrganisationResource]
    list_display = fields = ("name", "short_name", "kind", "profession", "sort_order")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(AreaStatistics)
class AreaStatisticsAdmin(AuditedAdmin):
    """人口・高齢者数 per area and 年度 (also entered at /resources/areas/statistics/ or imported)."""

    list_display = (
        "area",
        "fiscal_year",
        "population",
        "aged_65",
        "aging_rate_display",
        "aged_75",
        "care_certified",
    )
    list_filter = ("fiscal_year", "area__kind")
    search_fields = ("area__name", "area__code")
    list_select_related = ("area",)
    autocomplete_fields = ("area",)
    fields = ("area", "fiscal_year", "population", "aged_65", "aged_75", "care_certified", "source", "note")

    @admin.display(description="高齢化率（%）")
    def aging_rate_display(self, obj):
        return obj.aging_rate if obj.aging_rate is not None else "—"
