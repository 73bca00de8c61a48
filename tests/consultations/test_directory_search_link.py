"""「この相談の地域で資源を探す」: the consultation page opens the directory search prefilled with the
client's area and the capabilities its 相談内容 names, and nothing personal."""

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest

from consultations.models import Topic
from resources.models import Capability, FacilityKind
from tests.consultations.factories import make_consultation, topic
from tests.resources.factories import make_facility


def search_link(html):
    match = re.search(r'<a [^>]*href="([^"]+)"[^>]*data-directory-search>([^<]+)</a>', html)
    return (unescape(match.group(1)), match.group(2), match.group(0)) if match else (None, None, None)


def capability_id(code):
    return str(Capability.objects.get(code=code).pk)


def kind_id(code):
    return str(FacilityKind.objects.get(code=code).pk)


def conditions(url):
    """The search's conditions, without the consultation's number that every link carries."""
    return [(k, v) for k, v in parse_qsl(urlsplit(url).query) if k != "consultation"]


def asked(url, key):
    return sorted(v for k, v in parse_qsl(urlsplit(url).query) if k == key)


def test_the_link_carries_the_area_and_the_topics_capabilities_and_nothing_personal(client_for, cast):
    c = make_consultation(
        cast.center1,
        topics=("医療/訪問診療できる医療機関に関する事", "看取りに関する事", "連絡調整"),
        client_area=cast.daily1,
        consultant_name="佐藤花子",
        client_age=84,
        client_condition="末期がん",
        summary="退院後の訪問診療医を探したい",
    )
    html = client_for("coordinator").get(f"/consultations/{c.pk}/").content.decode()
    url, text, tag = search_link(html)
    assert url, "the consultation page links to the directory search"
    parts = urlsplit(url)
    assert parts.path == "/resources/"
    params = parse_qsl(parts.query)
    assert ("visits", str(cast.daily1.pk)) in params
    assert sorted(v for k, v in params if k == "capabilities") == sorted(
        [capability_id("home-visit"), capability_id("end-of-life")]
    )
    # The consultation's number (for the search page's 「この相談に記録」), and nothing of the client.
    assert {k for k, _ in params} == {"visits", "capabilities", "consultation"}
    assert ("consultation", str(c.pk)) in params
    for personal in ("佐藤", "84", "末期", "訪問診療医"):
        assert personal not in url
    assert "この相談の地域で資源を探す" in text and "新しいタブ" in text
    assert 'target="_blank"' in tag and 'rel="noopener"' in tag
    assert "東北圏域に訪問できる、訪問診療、在宅看取り" in html


def test_the_search_it_opens_finds_the_visiting_capable_facilities_only(client_for, cast):
    c = make_consultation(
        cast.center1, topics=("医療/訪問診療できる医療機関に関する事",), client_area=cast.daily1
    )
    visits = make_facility("東北在宅クリニック", capabilities=["home-visit"])
    visits.areas_served.add(cast.daily1)
    make_facility("訪問しない医院").areas_served.add(cast.daily1)
    make_facility("遠くの在宅クリニック", capabilities=["home-visit"]).areas_served.add(cast.ward2)
    client = client_for("coordinator")
    url, _, _ = search_link(client.get(f"/consultations/{c.pk}/").content.decode())
    found = client.get(url).content.decode()
    assert "東北在宅クリニック" in found
    assert "訪問しない医院" not in found and "遠くの在宅クリニック" not in found


def test_the_correspondence_is_data_an_admin_can_change(client_for, cast):
    nursing = topic("医療/訪問看護に関する事")
    assert not nursing.capabilities.exists()  # no capability of that name: left to admins
    nursing.capabilities.add(Capability.objects.get(code="home-nursing-care"))
    c = make_consultation(cast.center1, topics=("医療/訪問看護に関する事",))
    url, text, _ = search_link(client_for("coordinator").get(f"/consultations/{c.pk}/").content.decode())
    assert conditions(url) == [
        ("kind", kind_id("visiting-nursing")),
        ("capabilities", capability_id("home-nursing-care")),
    ]
    assert "この相談の内容で資源を探す" in text  # no area recorded


def test_without_an_area_or_a_matching_topic_there_is_no_link(client_for, cast):
    c = make_consultation(cast.center1, topics=("連絡調整",))
    url, _, _ = search_link(client_for("coordinator").get(f"/consultations/{c.pk}/").content.decode())
    assert url is None


def test_the_reference_data_links_the_obvious_topics(cast):
    assert list(
        topic("医療/訪問診療できる医療機関に関する事").capabilities.values_list("code", flat=True)
    ) == ["home-visit"]
    assert list(
        Topic.objects.get(parent=None, name="看取りに関する事").capabilities.values_list("code", flat=True)
    ) == ["end-of-life"]


# --- the client's condition and the topic's kind of facility -----------------------------------


def link_of(client_for, consultation):
    url, _, _ = search_link(
        client_for("coordinator").get(f"/consultations/{consultation.pk}/").content.decode()
    )
    return url


def test_the_condition_selects_the_capabilities_it_names(client_for, cast):
    c = make_consultation(
        cast.center1, topics=("連絡調整",), client_area=cast.daily1, client_condition="ALS、人工呼吸器装着中"
    )
    url = link_of(client_for, c)
    assert asked(url, "capabilities") == [capability_id("ventilator")]
    assert "ALS" not in url and "装着" not in url  # the condition goes as ids only


@pytest.mark.parametrize(
    "condition, codes",
    [
        ("人工呼吸器", ["ventilator"]),
        ("看取り", ["end-of-life"]),
        ("胃ろう造設済み", ["tube-feeding"]),
        ("褥瘡・在宅酸素", ["pressure-ulcer", "home-oxygen"]),
        ("仙骨部に床ずれ", ["pressure-ulcer"]),
        ("認知症（要介護3）", ["dementia"]),
    ],
)
def test_words_of_the_condition_are_read_as_the_directory_search_reads_them(
    client_for, cast, condition, codes
):
    c = make_consultation(
        cast.center1, topics=("連絡調整",), client_area=cast.daily1, client_condition=condition
    )
    assert asked(link_of(client_for, c), "capabilities") == sorted(capability_id(code) for code in codes)


def test_a_condition_that_names_nothing_adds_nothing(client_for, cast):
    c = make_consultation(
        cast.center1, topics=("連絡調整",), client_area=cast.daily1, client_condition="大腿骨骨折"
    )
    assert conditions(link_of(client_for, c)) == [("visits", str(cast.daily1.pk))]
    c = make_consultation(cast.center1, topics=("連絡調整",), client_condition="大腿骨骨折")
    assert link_of(client_for, c) is None


def test_a_synonym_an_admin_adds_is_read_from_the_condition(client_for, cast):
    from resources.models import SearchSynonym

    c = make_consultation(cast.center1, topics=("連絡調整",), client_area=cast.daily1, client_condition="ALS")
    assert asked(link_of(client_for, c), "capabilities") == []
    SearchSynonym.objects.create(term="ALS", capability=Capability.objects.get(code="ventilator"))
    assert asked(link_of(client_for, c), "capabilities") == [capability_id("ventilator")]


def test_a_visiting_nursing_topic_selects_the_kind_with_the_condition(client_for, cast):
    c = make_consultation(
        cast.center1,
        topics=("医療/訪問看護に関する事",),
        client_area=cast.daily1,
        client_condition="在宅酸素",
    )
    html = client_for("coordinator").get(f"/consultations/{c.pk}/").content.decode()
    url, _, _ = search_link(html)
    assert asked(url, "kind") == [kind_id("visiting-nursing")]
    assert asked(url, "capabilities") == [capability_id("home-oxygen")]
    assert "東北圏域に訪問できる、訪問看護ステーション、在宅酸素" in html


def test_the_search_it_opens_finds_the_stations_of_that_capability(client_for, cast):
    c = make_consultation(
        cast.center1,
        topics=("医療/訪問看護に関する事",),
        client_area=cast.daily1,
        client_condition="人工呼吸器",
    )
    fits = make_facility(
        "東北訪問看護ステーション", kind_code="visiting-nursing", capabilities=["ventilator"]
    )
    fits.areas_served.add(cast.daily1)
    clinic = make_facility("呼吸器の在宅クリニック", kind_code="clinic", capabilities=["ventilator"])
    clinic.areas_served.add(cast.daily1)
    make_facility("呼吸器なしステーション", kind_code="visiting-nursing").areas_served.add(cast.daily1)
    client = client_for("coordinator")
    found = client.get(link_of(client_for, c)).content.decode()
    assert "東北訪問看護ステーション" in found
    assert "呼吸器の在宅クリニック" not in found and "呼吸器なしステーション" not in found


def test_topics_of_two_kinds_select_no_kind(client_for, cast):
    c = make_consultation(
        cast.center1,
        topics=("医療/訪問看護に関する事", "医療/薬局・薬剤師に関する事"),
        client_area=cast.daily1,
    )
    assert asked(link_of(client_for, c), "kind") == []


def test_the_reference_data_names_the_kinds_of_the_obvious_topics(cast):
    assert topic("医療/訪問看護に関する事").kind.code == "visiting-nursing"
    assert topic("医療/歯科に関する事").kind.code == "dental"
    assert topic("医療/薬局・薬剤師に関する事").kind.code == "pharmacy"
    assert topic("医療/訪問診療できる医療機関に関する事").kind is None


# --- counts, and each condition alone when all of them at once find nothing --------------------


def part_links(html):
    """(text, url, count) of each 「条件を1つずつ探す」 entry; url None for one that finds nothing."""
    found = []
    for match in re.finditer(
        r'<(a|span) [^>]*?(?:href="([^"]+)"[^>]*)?data-directory-search-part data-count="(\d+)">([^<]+)</\1>',
        html,
    ):
        found.append(
            (match.group(4), unescape(match.group(2)) if match.group(2) else None, int(match.group(3)))
        )
    return found


def test_when_every_condition_at_once_finds_nothing_each_is_offered_alone_with_its_count(client_for, cast):
    c = make_consultation(
        cast.center1,
        topics=("医療/訪問診療できる医療機関に関する事",),
        client_area=cast.daily1,
        client_condition="褥瘡",
    )
    clinic = make_facility("東北在宅クリニック", capabilities=["home-visit"])
    clinic.areas_served.add(cast.daily1)
    make_facility("褥瘡の西クリニック", capabilities=["pressure-ulcer"]).areas_served.add(cast.ward2)
    client = client_for("coordinator")
    html = client.get(f"/consultations/{c.pk}/").content.decode()
    url, text, _ = search_link(html)
    assert "（0件・新しいタブで開きます）" in text
    assert "すべての条件に合う資源は登録されていません" in html
    assert "東北圏域に訪問できるもので探す" in html
    parts = part_links(html)
    assert [(t, n) for t, _, n in parts] == [("訪問診療（1件）", 1), ("褥瘡（0件）", 0)]
    home_visit = parts[0][1]
    assert conditions(home_visit) == [
        ("visits", str(cast.daily1.pk)),
        ("capabilities", capability_id("home-visit")),
    ]
    assert parts[1][1] is None  # a condition that finds nothing is said, not linked
    assert "東北在宅クリニック" in client.get(home_visit).content.decode()


def test_topics_of_two_kinds_offer_each_kind_alone(client_for, cast):
    c = make_consultation(
        cast.center1,
        topics=("医療/訪問看護に関する事", "医療/薬局・薬剤師に関する事"),
        client_area=cast.daily1,
    )
    make_facility("東北訪問看護", kind_code="visiting-nursing").areas_served.add(cast.daily1)
    make_facility("東北薬局A", kind_code="pharmacy").areas_served.add(cast.daily1)
    make_facility("東北薬局B", kind_code="pharmacy").areas_served.add(cast.daily1)
    html = client_for("coordinator").get(f"/consultations/{c.pk}/").content.decode()
    _, text, _ = search_link(html)
    assert "（3件・" in text  # the area alone: the search takes one kind
    assert "すべての条件に合う資源は登録されていません" not in html
    parts = part_links(html)
    # In the order of the 相談内容 tree (薬局・薬剤師 comes before 訪問看護).
    assert [(t, n) for t, _, n in parts] == [("薬局（2件）", 2), ("訪問看護ステーション（1件）", 1)]
    assert asked(parts[0][1], "kind") == [kind_id("pharmacy")]


def test_one_condition_is_the_button_alone(client_for, cast):
    c = make_consultation(
        cast.center1, topics=("医療/訪問診療できる医療機関に関する事",), client_area=cast.daily1
    )
    html = client_for("coordinator").get(f"/consultations/{c.pk}/").content.decode()
    assert "data-directory-search-parts" not in html
    assert "（すべてに合うもの 0件）" in html
