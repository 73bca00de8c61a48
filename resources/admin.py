from django.contrib import admin, messages
from django.utils import timezone

from coordination.admin import AuditedAdmin, ReferenceDataAdmin, ReferenceResource
from coordination.exports import xlsx_response
from resources.exporting import export_rows
from resources.models import (
    Capability,
    CommunityActivity,
    ContactWindow,
    DuplicateDismissal,
    Facility,
    FacilityCapability,
    FacilityChange,
    FacilityKind,
    FacilitySpecialty,
    MeetingRule,
    Recheck,
    SearchSynonym,
    Specialty,
    UpdateLink,
)


class ContactWindowInline(admin.TabularInline):
    model = ContactWindow
    extra = 1


class FacilityCapabilityInline(admin.TabularInline):
    model = FacilityCapability
    extra = 1
    autocomplete_fields = ["capability"]


class FacilitySpecialtyInline(admin.TabularInline):
    model = FacilitySpecialty
    extra = 1
    autocomplete_fields = ["specialty"]


@admin.register(Facility)
class FacilityAdmin(AuditedAdmin):
    list_display = ("name", "kind", "code", "area", "phone", "confirmed_on", "updated_at")
    list_filter = ("kind", "area", "accepting", "capabilities")
    search_fields = ("name", "name_kana", "address", "corporation_name", "code", "phone")
    list_select_related = ("kind", "area")
    raw_id_fields = ("confirmed_by", "merged_into")
    filter_horizontal = ("services", "areas_served")
    inlines = [ContactWindowInline, FacilityCapabilityInline, FacilitySpecialtyInline]
    # The last editor is whoever saves (save_model), so it is shown, not chosen.
    readonly_fields = ("created_at", "updated_by", "updated_at", "manual_fields")
    actions = ["export_portal_sheet"]

    @admin.action(description="選択した施設をポータル書式（Excel・取込で戻せる形）で書き出す")
    def export_portal_sheet(self, request, queryset):
        header, rows = export_rows(queryset, professional=True)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(f"facilities-{stamp}.xlsx", [("施設一覧", header, rows)])

    def get_deleted_objects(self, objs, request):
        """A facility entered by mistake may be deleted by a superuser with its change history:
        the history rows are read-only otherwise (FacilityChangeAdmin, so Django would refuse),
        and the audit log keeps the deletion (AuditedAdmin). Rows of other apps that point at
        the facility (consultations' 連絡調整, rota shifts) still refuse it, naming themselves."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if request.user.is_superuser:
            perms_needed.discard(FacilityChange._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "GET":
            messages.info(
                request,
                "施設を削除すると、その変更履歴も一緒に削除されます（削除したことは監査ログに残ります）。"
                "削除は、間違えて登録した施設のためのものです。廃止になった施設や重複している施設は削除せず、"
                "「公表データから消えた施設」や「重複の可能性」の一覧で廃止・統合してください"
                "（相談記録や当番表からの参照がそのまま残ります）。",
            )
        return super().delete_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        obj.mark_manual(form.changed_data)
        super().save_model(request, obj, form, change)
        FacilityChange.objects.create(
            facility=obj,
            user=request.user,
            action=FacilityChange.Action.UPDATE if change else FacilityChange.Action.CREATE,
            fields=[str(form.fields[f].label) for f in form.changed_data if f in form.fields],
        )


# Rows are matched on their code (specialties on their name): coordination.admin.ReferenceResource.
class KindResource(ReferenceResource):
    class Meta:
        model = FacilityKind
        import_id_fields = ("code",)
        fields = ("code", "name", "group", "service_code", "sort_order")


class CapabilityResource(ReferenceResource):
    class Meta:
        model = Capability
        import_id_fields = ("code",)
        fields = ("code", "name", "group", "description", "sort_order")


class SpecialtyResource(ReferenceResource):
    class Meta:
        model = Specialty
        import_id_fields = ("name",)
        fields = ("name", "sort_order")


@admin.register(FacilityKind)
class FacilityKindAdmin(ReferenceDataAdmin):
    resource_classes = [KindResource]
    fields = ("code", "name", "group", "service_code", "sort_order")
    list_display = ("name", "code", "group", "service_code", "sort_order")
    list_filter = ("group",)
    search_fields = ("name", "code", "service_code")


@admin.register(Capability)
class CapabilityAdmin(ReferenceDataAdmin):
    resource_classes = [CapabilityResource]
    fields = ("code", "name", "group", "description", "sort_order")
    list_display = ("name", "code", "group", "sort_order")
    list_filter = ("group",)
    search_fields = ("name", "code")


@admin.register(Specialty)
class SpecialtyAdmin(ReferenceDataAdmin):
    resource_classes = [SpecialtyResource]
    fields = ("name", "sort_order")
    list_display = ("name", "sort_order")
    search_fields = ("name",)


class MeetingRuleInline(admin.TabularInline):
    model = MeetingRule
    extra = 1


@admin.register(CommunityActivity)
class CommunityActivityAdmin(AuditedAdmin):
    """Corrections only: coordinators and 生活支援コーディネーター edit community resources in the portal
    (/resources/community/new/, /resources/<id>/community/)."""

    list_display = ("facility", "organiser", "fee", "contact_public")
    search_fields = ("facility__name", "organiser")
    raw_id_fields = ("facility",)
    inlines = [MeetingRuleInline]


@admin.register(FacilityChange)
class FacilityChangeAdmin(AuditedAdmin):
    list_display = ("at", "facility", "action", "user")
    list_filter = ("action",)
    raw_id_fields = ("facility", "user")

    def has_change_permission(self, request, obj=None):
        return False  # history is append-only

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DuplicateDismissal)
class DuplicateDismissalAdmin(AuditedAdmin):
    """Pairs are dismissed on /resources/duplicates/; here an admin finds one and deletes it,
    which proposes the pair again (as 「重複の可能性に戻す」 on the list of dismissed pairs)."""

    list_display = ("first", "second", "dismissed_by", "dismissed_at")
    search_fields = ("first__name", "second__name", "first__code", "second__code")
    list_select_related = ("first", "second", "dismissed_by")
    raw_id_fields = ("first", "second", "dismissed_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SearchSynonym)
class SearchSynonymAdmin(AuditedAdmin):
    list_display = ("term", "kind", "capability", "specialty")
    search_fields = ("term",)
    list_select_related = ("kind", "capability", "specialty")


@admin.register(UpdateLink)
class UpdateLinkAdmin(AuditedAdmin):
    """Links are issued from the facility's page; here admins find and revoke them."""

    list_display = ("facility", "contact", "round", "expires_on", "sent_at", "answered_at", "revoked_at")
    list_filter = ("round",)
    search_fields = ("facility__name", "contact", "email")
    list_select_related = ("facility", "round")
    raw_id_fields = ("facility", "created_by")
    readonly_fields = ("token", "created_at", "sent_at", "reminded_at", "opened_at", "answered_at")


@admin.register(Recheck)
class RecheckAdmin(AuditedAdmin):
    list_display = ("facility", "reason", "origin", "created_at", "closed_at")
    list_filter = ("reason",)
    search_fields = ("facility__name", "origin", "detail")
    list_select_related = ("facility",)
    raw_id_fields = ("facility", "created_by", "closed_by")
