from django.contrib import admin
from import_export import resources

from consultations.models import (
    AccessLog,
    ConsultantType,
    ConsultantTypeSynonym,
    MonthClosing,
    PastMonthlyTotal,
    PublicQuestion,
    Topic,
)
from coordination.admin import (
    AuditedAdmin,
    LookupTableAdmin,
    NamedForeignKeyWidget,
    NamedManyToManyWidget,
    ReadOnlyLogAdmin,
    ReferenceDataAdmin,
    ReferenceResource,
)
from resources.models import Capability, FacilityKind


class ConsultantTypeSynonymInline(admin.TabularInline):
    model = ConsultantTypeSynonym
    extra = 1


@admin.register(ConsultantType)
class ConsultantTypeAdmin(LookupTableAdmin):
    # The words old sheets use for the type, beside it: the import of past logs reads them.
    inlines = [ConsultantTypeSynonymInline]


class TopLevelTopicWidget(NamedForeignKeyWidget):
    """A 大分類 by its name: only top-level topics, since an item under another may share it
    (その他)."""

    def get_queryset(self, value, row, *args, **kwargs):
        return Topic.objects.filter(parent__isnull=True)


class TopicResource(ReferenceResource):
    parent = resources.Field(attribute="parent", widget=TopLevelTopicWidget(Topic, field="name"))
    capabilities = resources.Field(
        attribute="capabilities", widget=NamedManyToManyWidget(Capability, field="code", separator="|")
    )
    kind = resources.Field(attribute="kind", widget=NamedForeignKeyWidget(FacilityKind, field="code"))

    class Meta:
        model = Topic
        # An item is its name under its 大分類 (topic_unique_in_parent).
        import_id_fields = ("parent", "name")
        fields = ("parent", "name", "sort_order", "active", "capabilities", "kind")


@admin.register(Topic)
class TopicAdmin(ReferenceDataAdmin):
    resource_classes = [TopicResource]
    list_display = ("path", "parent", "sort_order", "active")
    fields = ("parent", "name", "sort_order", "active", "capabilities", "kind")
    filter_horizontal = ("capabilities",)
    list_filter = ("parent", "active")
    search_fields = ("name",)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyLogAdmin):
    """Read-only: the access log is append-only from the application."""

    list_display = ("at", "user", "action", "consultation", "shown", "path")
    list_filter = ("action",)
    search_fields = ("user__username", "path")


@admin.register(PublicQuestion)
class PublicQuestionAdmin(AuditedAdmin):
    list_display = ("question", "sort_order")
    fields = ("question", "answer", "sort_order")


@admin.register(MonthClosing)
class MonthClosingAdmin(ReadOnlyLogAdmin):
    """Read-only: a month is closed and reopened from the report page (services, audited)."""

    list_display = ("center", "year", "month", "closed_by", "closed_at", "reopened_by", "reopened_at")
    list_filter = ("center", "year")


@admin.register(PastMonthlyTotal)
class PastMonthlyTotalAdmin(ReadOnlyLogAdmin):
    """Read-only: written by `manage.py import_monthly_totals`."""

    list_display = ("center", "year", "month", "consultations", "source", "imported_at")
    list_filter = ("center", "year")
