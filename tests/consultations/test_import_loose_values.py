"""Old sheets write values loosely: 和暦 and Western dates with any separator, short forms of the
相談者区分 (synonyms are data), 80代 or 80歳, a 区 without 区, a 相談内容 by the start or a part of
its name. Whatever cannot be read is a row error naming the field, never a silent blank."""

import pytest

from consultations import importing
from consultations.models import ConsultantType, ConsultantTypeSynonym
from tests.consultations.test_import import HEADER, csv_bytes

COLUMNS = HEADER.split(",")


def row(**cells):
    values = {
        "受付日時": "2026/8/3 10:15",
        "センター": "C01",
        "相談者区分": "ケアマネジャー",
        "相談内容": "連絡調整",
    }
    values.update(cells)
    return ",".join(values.get(c, "") for c in COLUMNS)


def parse_one(**cells):
    result = importing.parse(csv_bytes([row(**cells)]), "x.csv")
    return result.rows[0][1] if result.rows else None, result


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和6年4月1日", "2024-04-01 00:00"),
        ("R6.4.1", "2024-04-01 00:00"),
        ("R6/4/1 9:30", "2024-04-01 09:30"),
        ("ｒ６．４．１", "2024-04-01 00:00"),
        ("令和元年5月1日", "2019-05-01 00:00"),
        ("平成31年4月30日", "2019-04-30 00:00"),
        ("H30.12.3", "2018-12-03 00:00"),
        ("2024/4/1", "2024-04-01 00:00"),
        ("2024.4.1", "2024-04-01 00:00"),
        ("2024年4月1日 14時05分", "2024-04-01 14:05"),
        ("2024/4/1(月) 10:15", "2024-04-01 10:15"),
    ],
)
def test_dates_in_wareki_and_western_forms(cast, text, expected):
    consultation, result = parse_one(受付日時=text)
    assert result.ok, result.error_lines()
    from django.utils import timezone

    assert timezone.localtime(consultation.received_at).strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("令和元年4月30日", "令和は2019年5月1日からです"),
        ("平成31年5月1日", "平成は2019年4月30日までです"),
        ("R6.2.30", "存在しない日時です"),
        ("4月1日", "のように入力してください"),
        ("", "のように入力してください"),
    ],
)
def test_an_unreadable_date_is_a_row_error_naming_the_field(cast, text, reason):
    consultation, result = parse_one(受付日時=text)
    assert consultation is None
    assert any(e.startswith("2行目「受付日時」: ") and reason in e for e in result.error_lines()), (
        result.error_lines()
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ケアマネ", "ケアマネジャー"),
        ("ｹｱﾏﾈ", "ケアマネジャー"),
        ("介護支援専門員", "ケアマネジャー"),
        ("訪看", "訪問看護"),
        ("包括", "地域包括支援センター"),
        ("地域包括", "地域包括支援センター"),  # also the start of the name
        ("区役所", "区役所・保健福祉センター"),
        ("その他（区民等）", "その他(区民等)"),
    ],
)
def test_short_forms_of_the_consultant_type(cast, text, expected):
    consultation, result = parse_one(相談者区分=text)
    assert result.ok, result.error_lines()
    assert consultation.consultant_type.name == expected


def test_consultant_type_synonyms_are_data_admins_extend(cast):
    assert parse_one(相談者区分="薬剤師会")[0] is None
    ConsultantTypeSynonym.objects.create(
        term="薬剤師会", consultant_type=ConsultantType.objects.get(name="医療関係者")
    )
    assert parse_one(相談者区分="薬剤師会")[0].consultant_type.name == "医療関係者"
    _, result = parse_one(相談者区分="伝書鳩")
    assert any(
        e.startswith("2行目「相談者区分」: 「伝書鳩」は相談者区分にありません") for e in result.error_lines()
    )


@pytest.mark.parametrize(
    ("text", "age", "summary"),
    [
        ("80歳", 80, ""),
        ("８０", 80, ""),
        ("80代", None, "対象者年齢: 80代"),
        ("80代後半", None, "対象者年齢: 80代後半"),
        ("不明", None, ""),
    ],
)
def test_ages_as_years_or_a_band(cast, text, age, summary):
    consultation, result = parse_one(対象者年齢=text, 相談概要="訪問医を探したい")
    assert result.ok, result.error_lines()
    assert consultation.client_age == age
    # A band is no exact age: kept as written at the top of 相談概要, the age left unknown.
    assert consultation.summary == "\n".join(filter(None, [summary, "訪問医を探したい"]))


@pytest.mark.parametrize("text", ["八十", "85代", "200歳"])
def test_an_unreadable_age_is_a_row_error(cast, text):
    consultation, result = parse_one(対象者年齢=text)
    assert consultation is None
    assert any(e.startswith("2行目「対象者年齢」: ") for e in result.error_lines())


@pytest.mark.parametrize("text", ["東区", "東", "テスト市東区", "東北圏域", "東北"])
def test_areas_without_ku_or_with_the_city(cast, text):
    consultation, result = parse_one(対象者居住区=text)
    assert result.ok, result.error_lines()
    assert consultation.client_area.name in ("東区", "東北圏域")


def test_an_unknown_area_is_a_row_error(cast):
    _, result = parse_one(対象者居住区="南極")
    assert any(e.startswith("2行目「対象者居住区」: 地域「南極」") for e in result.error_lines())


@pytest.mark.parametrize(
    ("text", "paths"),
    [
        ("訪問診療", ["医療/訪問診療できる医療機関に関する事"]),
        ("退院支援", ["退院支援に関する事"]),
        ("看取り、連絡調整", ["看取りに関する事", "連絡調整"]),
        ("介護/ケアマネ", ["介護/ケアマネに関する事"]),
        ("転院", ["医療/病院(入院・転院先等)に関する事"]),
        ("その他", ["その他"]),
        ("医療/その他;介護/その他", ["医療/その他", "介護/その他"]),
    ],
)
def test_topics_by_the_start_or_a_unique_part_of_their_name(cast, text, paths):
    consultation, result = parse_one(相談内容=text)
    assert result.ok, result.error_lines()
    assert sorted(t.path for t in result.rows[0][2]) == sorted(paths)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("手続き", "複数あります（医療/医療の手続きに関する事・介護/介護の手続きに関する事）"),
        ("眼科", "「眼科」は相談内容にありません"),
    ],
)
def test_an_ambiguous_or_unknown_topic_is_a_row_error(cast, text, reason):
    _, result = parse_one(相談内容=text)
    assert any(e.startswith("2行目「相談内容」: ") and reason in e for e in result.error_lines()), (
        result.error_lines()
    )


def test_the_preview_shows_what_the_loose_cells_were_read_as(client_for, cast):
    import io

    from consultations.models import ConsultationImport

    upload = io.BytesIO(csv_bytes([row(対象者年齢="80代", 対象者居住区="東"), row(対象者年齢="85歳")]))
    upload.name = "past.csv"
    client = client_for("admin")
    client.post("/consultations/import/", {"file": upload})
    html = client.get(f"/consultations/import/{ConsultationImport.objects.latest('pk').pk}/").content.decode()
    assert "<td>80代</td><td>東区</td>" in html and "<td>85歳</td><td>—</td>" in html
