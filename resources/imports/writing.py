"""Writing matched records: new facilities, changed fields, their links and their change log,
with the ORM's bulk statements (new facilities with one plain multi-row INSERT, see
insert_facilities). Called inside the import's one transaction."""

from django.db import connection
from django.utils import timezone

from resources.imports.matching import PSEUDO_LABELS
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
        for o, pk in zip(creates, insert_facilities(new), strict=True):
            o.facility_id = pk
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
                    fields=o.changed_labels,
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
        """One UPDATE per changed facility, of the fields that changed: a re-import changes a few
        facilities, and a statement each is simpler and quicker than bulk_update's CASE over
        every column."""
        for o in updates:
            current, values = o.record.current, o.record.values
            fields = {"updated_at": self.now, "updated_by_id": self.user_id}
            for name in o.changed:
                if name == "kind":
                    fields["kind_id"] = o.record.kind.pk
                elif name == "area":
                    fields["area_id"] = values["area"].pk if values["area"] else None
                elif name not in PSEUDO_LABELS:
                    fields[name] = values[name]
            if {"latitude", "longitude"} & set(o.changed):
                fields["location_approximate"] = False
            if self.portal:
                manual = set(current["manual_fields"] or []) | (set(o.changed) & self.model_fields)
                fields["manual_fields"] = sorted(manual)
            if o.record.municipality_code and o.record.municipality_code != current["municipality_code"]:
                fields["municipality_code"] = o.record.municipality_code
            fields["search_text"] = Facility.search_text_for({**current, **fields})
            Facility.objects.filter(pk=o.facility_id).update(**fields)

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
        with_caps = _rewriting(touched, "capabilities")
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
        _replace(
            FacilitySpecialty,
            _rewriting(touched, "specialties"),
            lambda o: (
                FacilitySpecialty(facility_id=o.facility_id, specialty_id=sid) for sid in o.record.specialties
            ),
        )
        _replace(
            ContactWindow,
            _rewriting(touched, "windows"),
            lambda o: (
                ContactWindow(facility_id=o.facility_id, kind=k, weekday=d, start=s, end=e, method=m, note=n)
                for k, d, s, e, m, n in o.record.windows
            ),
        )


def _rewriting(touched, attr):
    """The outcomes whose `attr` rows are written again: a new facility, or one whose file gave
    that part (None: the file has no such column) and it changed."""
    return [
        o
        for o in touched
        if getattr(o.record, attr) is not None and (o.action == "create" or attr in o.changed)
    ]


def _replace(model, outcomes, rows_of):
    """The facilities' rows of `model` replaced by those their records give."""
    if outcomes:
        model.objects.filter(facility_id__in=[o.facility_id for o in outcomes]).delete()
        model.objects.bulk_create([row for o in outcomes for row in rows_of(o)], batch_size=BATCH)


# Values the database takes as they are; anything else goes through the field's own preparation.
PLAIN = (str, int, bool, type(None))


def insert_facilities(facilities):
    """Inserts new facilities and returns their ids in order.

    What bulk_create does, without preparing every one of a facility's 46 columns through the
    field classes: most values of an imported row are plain strings, numbers or empty, which the
    database driver takes as they are, and that preparation was most of the Python time of a
    national import. Decimals, dates and JSON still go through their fields. On PostgreSQL the
    rows go by COPY with ids drawn from the table's sequence first (a multi-row INSERT of 23,000
    parameters cost the driver more than the database); elsewhere by INSERT … RETURNING id."""
    fields = [f for f in Facility._meta.concrete_fields if not f.primary_key]
    special = [
        f.get_internal_type() in ("DecimalField", "DateField", "DateTimeField", "JSONField") for f in fields
    ]

    def values(facility):
        row = []
        for field, prepare in zip(fields, special, strict=True):
            value = getattr(facility, field.attname)
            if (prepare and value is not None) or not isinstance(value, PLAIN):
                value = field.get_db_prep_save(value, connection)
            row.append(value)
        return row

    table = connection.ops.quote_name(Facility._meta.db_table)
    columns = [connection.ops.quote_name(f.column) for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids = _copy(cursor, table, columns, facilities, values)
        else:
            ids = _insert_returning(cursor, table, columns, facilities, values)
    for facility, pk in zip(facilities, ids, strict=True):
        facility.pk = pk
    return ids


def _copy(cursor, table, columns, facilities, values):
    if not facilities:
        return []
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [Facility._meta.db_table, len(facilities)],
    )
    ids = [row[0] for row in cursor.fetchall()]
    with cursor.cursor.copy(f"COPY {table} (id, {', '.join(columns)}) FROM STDIN") as copy:
        for pk, facility in zip(ids, facilities, strict=True):
            copy.write_row([pk, *values(facility)])
    return ids


def _insert_returning(cursor, table, columns, facilities, values):
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    ids = []
    for start in range(0, len(facilities), BATCH):
        chunk = facilities[start : start + BATCH]
        params = [value for facility in chunk for value in values(facility)]
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * len(chunk))} RETURNING id",
            params,
        )
        ids += [row[0] for row in cursor.fetchall()]
    return ids
