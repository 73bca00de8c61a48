"""ふりがな: an optional reading of a sign-up's name, typed in hiragana or katakana and kept in
hiragana. The door list, the 受付名簿 and the export are in 五十音順 by it (a name's kanji sort by
code point: 阿部 after 渡辺), then by name; those without ふりがな come after, by name."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from tests.training.factories import make_event
from training.models import Registration

pytestmark = pytest.mark.django_db

# By kanji code point: 井上 佐藤 山田 渡辺 阿部.
PEOPLE = [
    ("渡辺 三郎", "わたなべ さぶろう"),
    ("佐藤 次郎", ""),
    ("阿部 一郎", "あべ いちろう"),
    ("山田 花子", "やまだ はなこ"),
    ("井上 四郎", ""),
]
GOJUON = ["阿部 一郎", "山田 花子", "渡辺 三郎", "井上 四郎", "佐藤 次郎"]


def event_with_people(cast):
    event = make_event(cast.center1, when=(2099, 1, 10, 18, 0))
    for name, kana in PEOPLE:
        event.register(name=name, name_kana=kana, organisation="○○病院", profession=cast.nurse)
    return event


def test_the_door_list_is_in_gojuon_order_by_furigana_and_those_without_come_after(client_for, cast):
    event = event_with_people(cast)
    page = client_for("coordinator").get(event.get_absolute_url()).content.decode()
    assert re.findall(r'data-registration="([^"]+)"', page) == GOJUON
    row = page.split('data-registration="阿部 一郎"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="name-kana" data-name-kana>あべ いちろう</span>阿部 一郎' in row
    assert "ふりがなの五十音順" in page


def test_the_door_list_search_finds_a_name_by_its_furigana_in_either_kana(client_for, cast):
    event = event_with_people(cast)
    client = client_for("coordinator")
    for q in ("やまだ", "ヤマダ", "ﾔﾏﾀﾞ"):
        page = client.get(event.get_absolute_url(), {"q": q}).content.decode()
        assert re.findall(r'data-registration="([^"]+)"', page) == ["山田 花子"], q


def test_the_roster_print_is_in_the_same_order(client_for, cast):
    event = event_with_people(cast)
    page = client_for("coordinator").get(f"/training/{event.pk}/registrations/print/").content.decode()
    assert re.findall(r'data-roster-person="([^"]+)"', page) == GOJUON
    assert "data-name-kana>やまだ はなこ</span>" in page and "（五十音順）" in page


def test_the_exports_have_the_furigana_next_to_the_name_in_the_same_order(client_for, cast):
    event = event_with_people(cast)
    client = client_for("coordinator")
    body = client.get(f"/training/{event.pk}/registrations/export/?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["氏名", "ふりがな", "所属"]
    assert [r[:2] for r in rows[1:]] == [[n, dict(PEOPLE)[n]] for n in GOJUON]
    book = load_workbook(
        io.BytesIO(client.get(f"/training/{event.pk}/registrations/export/?format=xlsx").content)
    )
    sheet = [[c.value for c in row] for row in book["参加申込"].iter_rows(min_row=2)]
    assert sheet[0][:3] == ["氏名", "ふりがな", "所属"]
    assert [r[0] for r in sheet[1:]] == GOJUON
    assert sheet[1][1] == "あべ いちろう" and sheet[4][1] in ("", None)


def test_a_professional_types_the_furigana_in_katakana_and_it_is_kept_in_hiragana(client_for, cast):
    event = make_event(cast.center1, when=(2099, 1, 10, 18, 0))
    data = {
        "name": "介護 真理",
        "name_kana": "カイゴ　マリ",
        "organisation": "△△ケアプランセンター",
        "profession": cast.care_manager.pk,
    }
    client_for("professional").post(f"/training/{event.pk}/register/", data)
    assert Registration.objects.get(event=event).name_kana == "かいご まり"


def test_furigana_in_kanji_or_letters_is_refused_with_a_plain_message(client_for, cast):
    event = make_event(cast.center1, when=(2099, 1, 10, 18, 0))
    data = {"name": "介護 真理", "name_kana": "介護 mari", "organisation": "△△", "profession": cast.nurse.pk}
    response = client_for("professional").post(f"/training/{event.pk}/register/", data)
    assert "ふりがなは、ひらがなかカタカナで入力してください。" in response.content.decode()
    assert not Registration.objects.filter(event=event).exists()


def test_staff_enter_the_furigana_on_someones_behalf_or_leave_it_empty(client_for, cast):
    event = make_event(cast.center1, when=(2099, 1, 10, 18, 0))
    client = client_for("coordinator")
    assert 'name="name_kana"' in client.get(f"/training/{event.pk}/register/").content.decode()
    for name, kana in (("電話 太郎", "ﾃﾞﾝﾜ ﾀﾛｳ"), ("FAX 花子", "")):
        data = {"name": name, "name_kana": kana, "organisation": "□□", "profession": cast.nurse.pk}
        assert client.post(f"/training/{event.pk}/register/", data).status_code == 302
    assert dict(event.registrations.values_list("name", "name_kana")) == {
        "電話 太郎": "でんわ たろう",
        "FAX 花子": "",
    }
