from django.contrib import admin

from rota.models import BackupBed, Rota, Shift, ShiftBackup, Swap


class ShiftBackupInline(admin.TabularInline):
    model = ShiftBackup
    extra = 0
    raw_id_fields = ["facility"]


@admin.register(Rota)
class RotaAdmin(admin.ModelAdmin):
    list_display = ["name", "center", "district", "area"]
    list_filter = ["center"]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "ends_at", "rota", "kind", "facility", "doctor"]
    list_filter = ["rota", "kind"]
    raw_id_fields = ["facility"]
    inlines = [ShiftBackupInline]
    date_hierarchy = "starts_at"


@admin.register(Swap)
class SwapAdmin(admin.ModelAdmin):
    list_display = ["recorded_at", "shift", "from_facility", "to_facility", "reason", "recorded_by"]
    raw_id_fields = ["shift", "from_facility", "to_facility"]

    def has_change_permission(self, request, obj=None):
        return False  # the history of swaps is kept as recorded

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BackupBed)
class BackupBedAdmin(admin.ModelAdmin):
    list_display = ["facility", "beds", "available_from", "available_until", "center"]
    raw_id_fields = ["facility"]
    # Who stated the beds last is the portal's record (shown last), not an input.
    readonly_fields = ["updated_by", "updated_at"]
