"""Finding each record's facility in the directory and working out what would change."""

import functools
from dataclasses import dataclass, field

from coordination.text import digits, normalize
from resources.imports import cleaning
from resources.imports.formats import PortalFormat, Record
from resources.models import ContactWindow, Facility, FacilityCapability, FacilityKind, FacilitySpecialty
from resources.places import strip_prefecture

PSEUDO_LABELS = {
    "kind": "種別",
    "services": "提供サービス",
    "capabilities": "在宅対応機能",
    "specialties": "診療科目",
    "windows": "ケアマネタイム・連絡時間",
}
SEARCH_FIELDS = list(Facility.SEARCH_FIELDS)
# Numbers compared by their digits: 093-123-4567, ０９３（１２３）４５６７ and 0931234567 are one
# number, so a file that writes it otherwise changes nothing.
NUMBER_FIELDS = frozenset(Facility.PHONE_FIELDS) | {"direct_phone", "contact_fax"}


@functools.cache
def label(name):
    if name in PSEUDO_LABELS:
        return PSEUDO_LABELS[name]
    return str(Facility._meta.get_field(name).verbose_name)


@dataclass
class Outcome:
    action: str  # create / update / unchanged
    record: Record
    facility_id: int | None = None
    changed: list = field(default_factory=list)
    kept: list = field(default_factory=list)  # national value differs from a hand edit
    # What changed inside a part, in words: {"capabilities": ["「訪問診療」を追加"]}. The admin
    # reads which 届出 came or went, not only that 在宅対応機能 changed.
    details: dict = field(default_factory=dict)

    @property
    def changed_labels(self):
        labels = []
        for name in self.changed:
            notes = self.details.get(name)
            labels += [f"{label(name)}: {note}" for note in notes] if notes else [label(name)]
        return labels

    @property
    def kept_labels(self):
        return [label(n) for n in self.kept]


def column(name):
    return {"area": "area_id", "kind": "kind_id"}.get(name, name)


def _comparable(value, name=""):
    """Browsers send CRLF from text areas; the sheet gives LF. Empty is empty. A phone or FAX
    number is its digits."""
    if name in NUMBER_FIELDS:
        return digits(value) or None
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").strip()
    return value or None


def address_key(address):
    """The 厚生局 lists leave out the prefecture that ナビイ writes."""
    return normalize(strip_prefecture(cleaning.nfkc(address)))


class Matcher:
    def __init__(self, fmt, owned):
        self.fmt = fmt
        self.owned = owned
        self.portal = isinstance(fmt, PortalFormat)
        self.load_fields = sorted(
            {
                "id",
                "kind_id",
                "code",
                "navii_id",
                "manual_fields",
                "location_approximate",
                "municipality_code",
            }
            | set(SEARCH_FIELDS)
            | {column(f) for f in owned}
        )

    # --- finding ----------------------------------------------------------------------

    def existing(self, chunk):
        """{record key: facility values dict}"""
        keys = [r.key for r in chunk]
        qs = Facility.objects.values(*self.load_fields)
        if self.portal:
            ids = [int(k) for k in keys if k.isdigit()]
            return {str(f["id"]): f for f in qs.filter(pk__in=ids)}
        if self.fmt.code == "navii":
            found = {f["navii_id"]: f for f in qs.filter(navii_id__in=keys)}
            rest = [r for r in chunk if r.key not in found]
            if rest:  # the same clinic from the 厚生局 list: same name and address, no ナビイ ID yet
                by_name = {}
                for f in qs.filter(
                    name__in={r.values["name"] for r in rest},
                    navii_id="",
                    kind__group=FacilityKind.Group.MEDICAL,
                ):
                    by_name[(normalize(f["name"]), address_key(f["address"]))] = f
                for r in rest:
                    f = by_name.get((normalize(r.values["name"]), address_key(r.values["address"])))
                    if f:
                        found[r.key] = f
            return found
        found = {}
        kinds = {r.key: r.kind.pk for r in chunk}
        for f in qs.filter(code__in=keys, kind__group=self.fmt.match_group).order_by("pk"):
            current = found.get(f["code"])
            if current is None or (
                current["kind_id"] != kinds[f["code"]] and f["kind_id"] == kinds[f["code"]]
            ):
                found[f["code"]] = f
        if self.fmt.code == "kouseikyoku":
            self.join_by_name(chunk, found, qs)
        return found

    def join_by_name(self, chunk, found, qs):
        """A 厚生局 row whose code the directory does not know yet joins the facility already
        there under the same name and address (from ナビイ, or entered by hand), if that facility
        has no code of its own."""
        rest = [r for r in chunk if r.key not in found]
        if not rest:
            return
        by_name = {}
        for f in qs.filter(
            name__in={r.values["name"] for r in rest}, code="", kind__group=self.fmt.match_group
        ):
            by_name[(normalize(f["name"]), address_key(f["address"]))] = f
        for r in rest:
            f = by_name.pop((normalize(r.values["name"]), address_key(r.values["address"])), None)
            if f:
                r.joins_by_name = True
                found[r.key] = f

    def links(self, ids):
        state = {"services": {}, "capabilities": {}, "specialties": {}, "windows": {}}
        if not ids:
            return state
        code = self.fmt.code
        if code == "kaigo":
            through = Facility.services.through
            for fid, kid in through.objects.filter(facility_id__in=ids).values_list(
                "facility_id", "facilitykind_id"
            ):
                state["services"].setdefault(fid, set()).add(kid)
        if code == "kouseikyoku" or self.portal:
            for fid, cid, source, since in FacilityCapability.objects.filter(facility_id__in=ids).values_list(
                "facility_id", "capability_id", "source", "since"
            ):
                state["capabilities"].setdefault(fid, {})[cid] = (source, since)
        if self.portal:
            for fid, sid in FacilitySpecialty.objects.filter(facility_id__in=ids).values_list(
                "facility_id", "specialty_id"
            ):
                state["specialties"].setdefault(fid, set()).add(sid)
            for row in ContactWindow.objects.filter(facility_id__in=ids).values_list(
                "facility_id", "kind", "weekday", "start", "end", "method", "note"
            ):
                state["windows"].setdefault(row[0], set()).add(row[1:])
        return state

    # --- comparing --------------------------------------------------------------------

    def match(self, chunk):
        existing = self.existing(chunk)
        links = self.links([f["id"] for f in existing.values()])
        outcomes = []
        for record in chunk:
            current = existing.get(record.key)
            if current is None:
                given = [n for n, v in record.values.items() if v is not None and v != ""]
                details = {}
                if record.capabilities:
                    given.append("capabilities")
                    details["capabilities"] = self.capability_changes({}, record.capabilities)
                outcomes.append(Outcome("create", record, changed=given, details=details))
                continue
            record.current = current
            changed, kept, details = self.diff(record, current, links)
            outcomes.append(
                Outcome("update" if changed else "unchanged", record, current["id"], changed, kept, details)
            )
        return outcomes

    @functools.cached_property
    def capability_names(self):
        """{capability id: name}, in the capabilities' order."""
        return {c.pk: c.name for c in self.fmt.lk.capabilities.values()}

    def capability_changes(self, before, after):
        """The capabilities added, removed or with another 算定開始日, in words (before, after:
        {capability id: since})."""
        order = list(self.capability_names)

        def quoted(ids):
            ids = sorted(ids, key=lambda cid: order.index(cid) if cid in order else len(order))
            return "".join(f"「{self.capability_names.get(cid, cid)}」" for cid in ids)

        added = set(after) - set(before)
        removed = set(before) - set(after)
        redated = {cid for cid in set(before) & set(after) if before[cid] != after[cid]}
        notes = []
        if added:
            notes.append(f"{quoted(added)}を追加")
        if removed:
            notes.append(f"{quoted(removed)}を削除")
        if redated:
            notes.append(f"{quoted(redated)}の算定開始日を変更")
        return notes

    def diff(self, record, current, links):
        changed, kept, details = [], [], {}
        manual = set(current["manual_fields"] or [])
        fid = current["id"]
        # Another service of the same office (kaigo) fills gaps only; which service is shown as
        # the main kind follows the kinds' precedence, not the order the files came in.
        secondary = self.fmt.code == "kaigo" and record.kind.pk != current["kind_id"]
        for name in self.owned:
            if name == "kind":
                if record.kind.pk != current["kind_id"]:
                    changed.append("kind")
                continue
            new = record.values.get(name)
            if name == "area":
                new = new.pk if new else None
            cur = current[column(name)]
            if self.portal:
                if _comparable(new, name) != _comparable(cur, name):
                    changed.append(name)
                continue
            if new in (None, ""):
                continue  # national data that says nothing never clears a value
            if new == cur or (name in NUMBER_FIELDS and _comparable(new, name) == _comparable(cur, name)):
                continue
            approximate_pin = name in ("latitude", "longitude") and current["location_approximate"]
            if (
                secondary or name == "area" or getattr(record, "joins_by_name", False)
            ) and not approximate_pin:
                if cur in (None, ""):
                    changed.append(name)
                continue
            (kept if name in manual and not approximate_pin else changed).append(name)
        if secondary:
            if record.kind.pk not in links["services"].get(fid, set()):
                changed.append("services")
            if self.fmt.lk.kind_precedes(record.kind, current["kind_id"]):
                changed.append("kind")
        elif self.fmt.code == "kaigo" and record.kind.pk not in links["services"].get(fid, set()):
            changed.append("services")
        if record.capabilities is not None:
            have = links["capabilities"].get(fid, {})
            if self.portal:
                if set(have) != set(record.capabilities):
                    changed.append("capabilities")
                    details["capabilities"] = self.capability_changes(
                        dict.fromkeys(have), dict.fromkeys(record.capabilities)
                    )
            else:
                ours = {cid: since for cid, (source, since) in have.items() if source == self.fmt.code}
                wanted = {
                    cid: since for cid, since in record.capabilities.items() if cid not in have or cid in ours
                }
                if ours != wanted:
                    changed.append("capabilities")
                    details["capabilities"] = self.capability_changes(ours, wanted)
        if record.specialties is not None and record.specialties != links["specialties"].get(fid, set()):
            changed.append("specialties")
        if record.windows is not None and set(record.windows) != links["windows"].get(fid, set()):
            changed.append("windows")
        return changed, kept, details
