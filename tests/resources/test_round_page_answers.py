"""The round page from one definition: an answer is an opening too (the summary's 開封 and the
rows agree), the 回答 column says 変更あり or 変更なし, a round with no starter names none, and the
確認状況 tables of /resources/rounds/ follow the kinds' and the city's area order."""

import re

from django.utils import timezone

from coordination.models import Area
from resources.models import ChangeRequest, ConfirmationRound, FacilityKind, UpdateLink
from resources.updates import freshness
from tests.resources.factories import make_facility


def _round(client, n):
    facilities = [make_facility(f"医院{i}", name_kana=f"イイン{i}") for i in range(n)]
    client.post("/resources/rounds/", {"name": "2026年度", "kind": "", "area": "", "remind_after_days": "21"})
    round_ = ConfirmationRound.objects.get()
    return round_, [round_.links.get(facility=f) for f in facilities]


def test_every_answered_row_shows_an_opening_and_the_rows_add_up_to_the_summary(client_for, cast):
    coordinator = client_for("coordinator")
    round_, links = _round(coordinator, 3)
    now = timezone.now()
    UpdateLink.objects.filter(pk=links[0].pk).update(answered_at=now)  # answered, opening never stamped
    ChangeRequest.objects.create(
        facility=links[0].facility,
        link=links[0],
        before={},
        proposed={},
        status=ChangeRequest.Status.UNCHANGED,
    )
    UpdateLink.objects.filter(pk=links[1].pk).update(opened_at=now)
    html = coordinator.get(f"/resources/rounds/{round_.pk}/").content.decode()
    rows = {int(pk): opened for pk, opened in _opened(html)}
    opened_rows = [pk for pk, opened in rows.items() if opened != "—"]
    assert sorted(opened_rows) == sorted([links[0].pk, links[1].pk])
    assert f'data-count="opened">{len(opened_rows)}<' in html


def _opened(html):
    return re.findall(r'data-round-link="(\d+)".*?<td data-opened[^>]*>(.*?)</td>', html, re.S)


def test_the_answer_column_says_changed_or_unchanged(client_for, cast):
    coordinator = client_for("coordinator")
    round_, links = _round(coordinator, 3)
    anonymous = client_for("anonymous")
    anonymous.post(f"/resources/u/{links[0].token}/", {"unchanged": "1"})
    UpdateLink.objects.filter(pk=links[1].pk).update(answered_at=timezone.now())
    cr = ChangeRequest.objects.create(
        facility=links[1].facility, link=links[1], before={"a": ""}, proposed={"a": "x"}
    )
    html = coordinator.get(f"/resources/rounds/{round_.pk}/").content.decode()
    answers = {
        int(pk): answer
        for pk, answer in re.findall(r'data-round-link="(\d+)".*?<td data-answer[^>]*>(.*?)</td>', html, re.S)
    }
    assert "変更なし" in answers[links[0].pk]
    assert (
        "変更あり（承認待ち）" in answers[links[1].pk]
        and f"/resources/changes/{cr.pk}/" in answers[links[1].pk]
    )
    assert answers[links[2].pk] == "未回答"
    assert 'data-count="changed">1<' in html and 'data-count="unchanged">1<' in html


def test_a_round_without_a_starter_names_none(client_for, cast):
    coordinator = client_for("coordinator")
    round_, _ = _round(coordinator, 1)
    assert f"（{cast.coordinator}）" in coordinator.get(f"/resources/rounds/{round_.pk}/").content.decode()
    ConfirmationRound.objects.filter(pk=round_.pk).update(started_by=None)
    html = coordinator.get(f"/resources/rounds/{round_.pk}/").content.decode()
    assert "（—）" not in html and "開始: " in html


def test_the_freshness_tables_follow_the_kinds_order_and_the_citys_area_order(client_for, cast):
    # 東区 (sort 1) before 西区 (sort 2) before its name order; a 圏域 under its ward.
    south = Area.objects.create(name="あ南区", kind=Area.Kind.WARD, parent=cast.city, sort_order=3)
    for area in (south, cast.ward2, cast.daily1, cast.ward1):
        make_facility(f"{area.name}の医院", area=area)
    pharmacy, clinic = FacilityKind.objects.get(code="pharmacy"), FacilityKind.objects.get(code="clinic")
    make_facility("薬局", kind_code="pharmacy", area=cast.ward1)
    by_kind, by_area = freshness()
    assert [name for name, *_ in by_area] == ["東区", "東北圏域", "西区", "あ南区"]
    kinds = [name for name, *_ in by_kind]
    expected = [k.name for k in sorted((pharmacy, clinic), key=lambda k: (k.sort_order, k.name))]
    assert kinds == expected
    html = client_for("coordinator").get("/resources/rounds/").content.decode()
    area_table = html[html.index('data-freshness="area"') :]
    assert (
        area_table.index("東区")
        < area_table.index("東北圏域")
        < area_table.index("西区")
        < area_table.index("あ南区")
    )
