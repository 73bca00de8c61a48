from django.contrib import admin

from documents.models import Document, DocumentVersion


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    fields = ["label", "effective_from", "file_name", "size"]
    readonly_fields = ["file_name", "size"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "visibility", "center"]
    list_filter = ["category", "visibility", "center"]
    inlines = [VersionInline]
