"""「この相談の地域で資源を探す」: the consultation page opens the directory search prefilled with the
client's area and the capabilities its 相談内容 names, and nothing personal."""

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

from consultations.models import Topic
from resources.models import Capability
from tests.consultations.factories import make_consultation, topic
from tests.resources.factories import make_facility


def search_link(html):
    match = re.search(r'<a [^>]*href="([^"]+)"[^>]*data-directory-search>([^<]+)</a>', html)
    return (unescape(match.group(1)), match.group(2), match.group(0)) if match else (None, None, None)


def capability_id(code):
    return str(Capability.objects.get(code=code).pk)


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
    assert {k for k, _ in params} == {"visits", "capabilities"}
    for personal in ("佐藤", "84", "末期", "訪問診療医"):
        assert personal not in url
    assert "この相談の地域で資源を探す" in text and "新しいタブ" in text
    assert 'target="_blank"' in tag and 'rel="noopener"' in tag
    assert "東北圏域に訪問できる・訪問診療・在宅看取り" in html


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
    assert parse_qsl(urlsplit(url).query) == [("capabilities", capability_id("home-nursing-care"))]
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
