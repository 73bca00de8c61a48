"""Writing matched records: new facilities, changed fields, their links and their change log,
with the ORM's bulk statements. Called inside the import's one transaction."""

from django.utils import timezone

from resources.imports.matching import PSEUDO_LABELS, column, label
from resources.models import ContactWindow, Facility, FacilityCapability, FacilityChange, FacilitySpecialty

BATCH = 500  # rows per statement


class Writer:
    def __init__(self, fmt, user=None, batch=None, pins=None):
        self.fmt = fmt
        self.portal = fmt.code == "portal"
        # One moment for the whole import: its rows and its change log all carry it.
        self.now = timezone.now()
        self.user = user
        self.batch = batch
        self.pins = pins  # approximate pins for new rows without coordinates (geo.AddressPins)
        self.model_fields = {f.name for f in Facility._meta.concrete_fields}

    def apply(self, outcomes):
        """Write one chunk; returns the ids of the facilities created or changed."""
        creates = [o for o in outcomes if o.action == "create"]
        updates = [o for o in outcomes if o.action == "update"]
        new = [self.new_facility(o.record) for o in creates]
        Facility.objects.bulk_create(new, batch_size=BATCH)
        for o, facility in zip(creates, new, strict=True):
            o.facility_id = facility.pk
        self.update(updates)
        touched = creates + updates
        self.write_links(touched)
        FacilityChange.objects.bulk_create(
            [
                FacilityChange(
                    facility_id=o.facility_id,
                    user=self.user,
                    at=self.now,
                    action=FacilityChange.Action.IMPORT,
                    fields=[label(n) for n in o.changed],
                    batch=self.batch,
                )
                for o in touched
            ],
            batch_size=BATCH,
        )
        return [o.facility_id for o in touched]

    def new_facility(self, record):
        facility = Facility(kind=record.kind, created_at=self.now, updated_at=self.now, updated_by=self.user)
        for name, value in record.values.items():
            setattr(facility, name, value)
        if not self.portal and self.fmt.code != "navii":
            facility.code = record.key
        facility.municipality_code = record.municipality_code
        facility.manual_fields = sorted(set(record.values) & self.model_fields) if self.portal else []
        if not (facility.latitude and facility.longitude):
            facility.latitude = facility.longitude = None  # 0,0 means unknown
            pin = self.pins.place(facility.address) if self.pins else None
            if pin:
                facility.latitude, facility.longitude = pin
                facility.location_approximate = True
        facility.build_search()
        return facility

    def update(self, updates):
        if not updates:
            return
        columns = set()
        for o in updates:
            columns.update(column(n) for n in o.changed if n not in PSEUDO_LABELS or n == "kind")
        located = columns & {"latitude", "longitude"}
        columns |= {"search_text", "updated_at", "updated_by_id"} | (
            {"location_approximate"} if located else set()
        )
        if self.portal:
            columns.add("manual_fields")
        if self.fmt.national and any(o.record.municipality_code for o in updates):
            columns.add("municipality_code")
        rows = []
        for o in updates:
            current = o.record.current
            final = dict(current)
            for name in o.changed:
                if name == "kind":
                    final["kind_id"] = o.record.kind.pk
                elif name == "area":
                    final["area_id"] = o.record.values["area"].pk if o.record.values["area"] else None
                elif name not in PSEUDO_LABELS:
                    final[name] = o.record.values[name]
            if located and ({"latitude", "longitude"} & set(o.changed)):
                final["location_approximate"] = False
            if self.portal:
                final["manual_fields"] = sorted(
                    set(current["manual_fields"] or []) | (set(o.changed) & self.model_fields)
                )
            final["municipality_code"] = o.record.municipality_code or current.get("municipality_code", "")
            final.update(
                search_text=Facility.search_text_for(final), updated_at=self.now, updated_by_id=self.user_id
            )
            facility = Facility(pk=o.facility_id)
            for name in columns:
                if name in final:
                    setattr(facility, name, final[name])
            rows.append(facility)
        fields = [Facility._meta.get_field(c).name for c in sorted(columns)]
        Facility.objects.bulk_update(rows, fields, batch_size=BATCH)

    @property
    def user_id(self):
        return self.user.pk if self.user else None

    def write_links(self, touched):
        code = self.fmt.code
        if code == "kaigo":
            through = Facility.services.through
            through.objects.bulk_create(
                [
                    through(facility_id=o.facility_id, facilitykind_id=o.record.kind.pk)
                    for o in touched
                    if o.action == "create" or "services" in o.changed
                ],
                ignore_conflicts=True,
                batch_size=BATCH,
            )
        with_caps = [
            o
            for o in touched
            if o.record.capabilities is not None and (o.action == "create" or "capabilities" in o.changed)
        ]
        if with_caps:
            ids = [o.facility_id for o in with_caps]
            existing = FacilityCapability.objects.filter(facility_id__in=ids)
            if self.portal:
                existing.delete()
            else:
                existing.filter(source=code).delete()
            have = set(
                FacilityCapability.objects.filter(facility_id__in=ids).values_list(
                    "facility_id", "capability_id"
                )
            )
            FacilityCapability.objects.bulk_create(
                [
                    FacilityCapability(
                        facility_id=o.facility_id,
                        capability_id=cid,
                        since=since,
                        source="manual" if self.portal else code,
                    )
                    for o in with_caps
                    for cid, since in o.record.capabilities.items()
                    if (o.facility_id, cid) not in have
                ],
                batch_size=BATCH,
            )
        with_specs = [
            o
            for o in touched
            if o.record.specialties is not None and (o.action == "create" or "specialties" in o.changed)
        ]
        if with_specs:
            FacilitySpecialty.objects.filter(facility_id__in=[o.facility_id for o in with_specs]).delete()
            FacilitySpecialty.objects.bulk_create(
                [
                    FacilitySpecialty(facility_id=o.facility_id, specialty_id=sid)
                    for o in with_specs
                    for sid in o.record.specialties
                ],
                batch_size=BATCH,
            )
        with_windows = [
            o
            for o in touched
            if o.record.windows is not None and (o.action == "create" or "windows" in o.changed)
        ]
        if with_windows:
            ContactWindow.objects.filter(facility_id__in=[o.facility_id for o in with_windows]).delete()
            ContactWindow.objects.bulk_create(
                [
                    ContactWindow(facility_id=o.facility_id, kind=k, weekday=d, start=s, end=e, method=m)
                    for o in with_windows
                    for k, d, s, e, m in o.record.windows
                ],
                batch_size=BATCH,
            )
