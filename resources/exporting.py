"""The directory's own spreadsheet format (export now; the import of the same columns gives a
round trip). Public columns for everybody, professionals-only columns for staff."""

from resources.models import WEEKDAYS, ContactWindow

PUBLIC_COLUMNS = [
    "ID",
    "種別",
    "医療機関番号・事業所番号",
    "名称",
    "名称カナ",
    "法人名",
    "法人番号",
    "郵便番号",
    "住所",
    "地域",
    "緯度",
    "経度",
    "電話番号",
    "FAX番号",
    "URL",
    "営業日",
    "受付時間",
    "休診日",
    "定員・病床数",
    "在宅対応機能",
    "診療科目",
    "備考",
    "最終確認日",
]
PROFESSIONAL_COLUMNS = [
    "直通電話",
    "連絡窓口・担当者",
    "ケアマネタイム",
    "連絡を避けてほしい時間",
    "新規受入状況",
    "受入状況の確認日",
    "内部メモ",
]

# The columns that are one model field each, for the import of this format
# (resources/imports/formats.py). The others (ID, 種別, 在宅対応機能, 診療科目, ケアマネタイム,
# 連絡を避けてほしい時間) are read by the importer column by column.
COLUMN_FIELDS = {
    "医療機関番号・事業所番号": "code",
    "名称": "name",
    "名称カナ": "name_kana",
    "法人名": "corporation_name",
    "法人番号": "corporation_number",
    "郵便番号": "postal_code",
    "住所": "address",
    "地域": "area",
    "緯度": "latitude",
    "経度": "longitude",
    "電話番号": "phone",
    "FAX番号": "fax",
    "URL": "url",
    "営業日": "opening_days",
    "受付時間": "opening_hours",
    "休診日": "closed_days",
    "定員・病床数": "capacity",
    "備考": "public_note",
    "最終確認日": "confirmed_on",
    "直通電話": "direct_phone",
    "連絡窓口・担当者": "contact_person",
    "新規受入状況": "accepting",
    "受入状況の確認日": "accepting_stated_on",
    "内部メモ": "internal_note",
}


def window_text(window):
    """One window as the facility page words it: a ケアマネタイム window with how to reach the
    facility (`月 13:00-14:00 電話`), an hour to avoid without (a way to call then means
    nothing), and the window's 補足 after either (`（外来診療中）`). The importer reads it back."""
    return _wording(window, WEEKDAYS[window.weekday], "-")


def window_lines(facility, kind):
    """The windows of one kind as the A4 list prints them: those of the same hours, way and note
    on several weekdays on one line (`月・水・金 13:00–14:00 電話`), from the prefetched windows."""
    groups = {}
    for window in facility.contact_windows.all():
        if window.kind == kind:
            groups.setdefault((window.start, window.end, window.method, window.note), []).append(window)
    return [
        _wording(same[0], "・".join(WEEKDAYS[d] for d in sorted({w.weekday for w in same})), "–")
        for same in groups.values()
    ]


def _wording(window, days, dash):
    text = f"{days} {window.start:%H:%M}{dash}{window.end:%H:%M}"
    if window.kind == ContactWindow.Kind.CALL:
        text += f" {window.get_method_display()}"
    if window.note:
        # The windows of a cell are split at semicolons: a note keeps its words without one.
        text += "（" + window.note.replace(";", "、").replace("；", "、") + "）"
    return text


def windows_text(facility, kind):
    """`月 13:00-14:00 電話; 木 12:30-13:00 FAX（第2週は休み）` for ケアマネタイム, `月 09:00-12:00（外来診療中）`
    for the hours to avoid (the format the importer reads back)."""
    return "; ".join(window_text(w) for w in facility.contact_windows.all() if w.kind == kind)


DISTANCE_COLUMN = "距離（km）"


def export_rows(queryset, professional=False, near=False):
    """The header and the rows of the directory's export. `near`: the search has an origin (近い
    順), so each row says how far it is, as the list and the print view do, after its name."""
    header = PUBLIC_COLUMNS + (PROFESSIONAL_COLUMNS if professional else [])
    if near:
        at = header.index("名称") + 1
        header = [*header[:at], DISTANCE_COLUMN, *header[at:]]
    queryset = queryset.select_related("kind", "area").prefetch_related("capabilities", "specialties")
    if professional:
        queryset = queryset.prefetch_related("contact_windows")

    def rows():
        for f in queryset:
            row = [
                f.pk,
                f.kind.name,
                f.code,
                f.name,
                f.name_kana,
                f.corporation_name,
                f.corporation_number,
                f.postal_code,
                f.address,
                f.area.name if f.area else "",
                f.latitude,
                f.longitude,
                f.phone,
                f.fax,
                f.url,
                f.opening_days,
                f.opening_hours,
                f.closed_days,
                "" if f.capacity is None else f.capacity,
                ";".join(c.name for c in f.capabilities.all()),
                ";".join(s.name for s in f.specialties.all()),
                f.public_note,
                f.confirmed_on,
            ]
            if near:
                distance = f.distance_km
                row.insert(at, "" if distance is None else round(distance, 1))
            if professional:
                row += [
                    f.direct_phone,
                    f.contact_person,
                    windows_text(f, ContactWindow.Kind.CALL),
                    windows_text(f, ContactWindow.Kind.AVOID),
                    f.get_accepting_display() if f.accepting else "",
                    f.accepting_stated_on,
                    f.internal_note,
                ]
            yield row

    return header, rows()


COMMUNITY_COLUMNS = [
    "ID",
    "種別",
    "名称",
    "運営団体",
    "対象",
    "開催日",
    "日程の補足",
    "次回",
    "参加費",
    "予約",
    "会場の住所",
    "地域",
    "問い合わせ先（担当者）",
    "問い合わせ先（電話）",
    "備考",
    "最終確認日",
]


def community_export_rows(queryset, user, today=None):
    """The 「地域の活動」 list as residents and care managers use it: when and where it meets, for
    whom, what it costs, whom to ask. The organiser's contact only where the page would show it."""
    queryset = queryset.select_related("kind", "area", "community").prefetch_related("community__rules")

    def rows():
        for f in queryset:
            activity = getattr(f, "community", None)
            shown = activity is not None and activity.contact_visible_to(user)
            next_date = activity.next_date(today) if activity else None
            yield [
                f.pk,
                f.kind.name,
                f.name,
                activity.organiser if activity else "",
                activity.audience if activity else "",
                activity.schedule_text() if activity else "",
                activity.schedule_note if activity else "",
                next_date or "",
                activity.fee if activity else "",
                {True: "要予約", False: "予約不要"}.get(activity.booking_required, "") if activity else "",
                f.address,
                f.area.name if f.area else "",
                activity.contact_name if shown else "",
                activity.contact_phone if shown else "",
                f.public_note,
                f.confirmed_on,
            ]

    return COMMUNITY_COLUMNS, rows()
