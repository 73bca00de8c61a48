from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from coordination.models import Area, Center, CenterClosure, Organisation, Profession, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
class CenterAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "phone", "sort_order")
    search_fields = ("code", "name")
    filter_horizontal = ("areas",)
    inlines = [CenterClosureInline]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "code", "sort_order")
    list_filter = ("kind",)
    search_fields = ("name", "code")


@admin.register(Profession)
class ProfessionAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "sort_order")
    search_fields = ("name",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "profession", "sort_order")
    list_filter = ("kind",)
    search_fields = ("name",)
