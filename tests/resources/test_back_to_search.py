"""「検索結果に戻る」 on a facility's page reached from the search: back to the same search (its
filters and page), and never anywhere else a crafted link or Referer names."""

from urllib.parse import quote

import pytest

from tests.resources.community_factories import make_community
from tests.resources.factories import make_facility


def back_links(html):
    marker = "data-back-to-search>"
    found = []
    for part in html.split(marker)[:-1]:
        found.append(part[part.rindex('href="') + 6 : part.rindex('"')])
    return found


@pytest.mark.parametrize("role", ["anonymous", "professional", "coordinator"])
def test_the_results_link_each_facility_with_the_search_and_its_page_offers_the_way_back(
    client_for, cast, role
):
    facility = make_facility("戻れる医院", area=cast.ward1, latitude=33.88, longitude=130.87)
    client = client_for(role)
    search = f"/resources/?q=%E6%88%BB%E3%82%8C%E3%82%8B&area={cast.ward1.pk}"
    html = client.get(search).content.decode()
    link = f"/resources/{facility.pk}/?back={quote(search, safe='/')}"
    assert f'<a href="{link}">戻れる医院</a>' in html
    assert f'data-href="{link}"' in html  # the map's marker too

    page = client.get(link).content.decode()
    assert back_links(page) == [
        f"/resources/?q=%E6%88%BB%E3%82%8C%E3%82%8B&amp;area={cast.ward1.pk}#results-heading"
    ]
    assert "検索結果に戻る</a>" in page


def test_the_way_back_keeps_the_page_of_results_and_every_filter(client_for, cast):
    facility = make_facility("二頁目の医院")
    search = "/resources/?q=%E5%8C%BB%E9%99%A2&capabilities=1&capabilities=2&page=2"
    page = client_for("professional").get(f"/resources/{facility.pk}/?back={quote(search)}").content.decode()
    assert back_links(page) == [
        "/resources/?q=%E5%8C%BB%E9%99%A2&amp;capabilities=1&amp;capabilities=2&amp;page=2#results-heading"
    ]


def test_the_public_version_keeps_the_way_back(client_for, cast):
    facility = make_facility("公開版の医院")
    back = quote("/resources/?q=a", safe="")
    client = client_for("professional")
    page = client.get(f"/resources/{facility.pk}/?back={back}").content.decode()
    assert f'href="?public=1&amp;back={back}" data-public-version>' in page
    public = client.get(f"/resources/{facility.pk}/?public=1&back={back}").content.decode()
    assert back_links(public) == ["/resources/?q=a#results-heading"]
    assert f'href="?back={back}" data-professional-version>' in public


def test_an_edit_or_a_confirmation_from_the_page_keeps_the_way_back(client_for, cast):
    from tests.resources.test_facility_pages import _form

    facility = make_facility("直して戻る医院")
    search = "/resources/?q=%E7%9B%B4"
    back = quote(search, safe="/")
    client = client_for("coordinator")
    page = client.get(f"/resources/{facility.pk}/?back={back}").content.decode()
    edit_url = f"/resources/{facility.pk}/edit/?back={quote(search, safe='')}"
    assert f'href="{edit_url}">編集する</a>' in page
    assert f'action="/resources/{facility.pk}/confirm/?back={quote(search, safe="")}"' in page
    form_page = client.get(edit_url).content.decode()
    assert f'href="/resources/{facility.pk}/?back={quote(search, safe="")}"' in form_page  # キャンセル
    response = client.post(edit_url, _form(facility, name="直して戻る医院（新）"))
    assert response.url == f"/resources/{facility.pk}/?back={quote(search, safe='')}"
    assert back_links(client.get(response.url).content.decode()) == [f"{search}#results-heading"]
    confirmed = client.post(f"/resources/{facility.pk}/confirm/?back={quote(search, safe='')}")
    assert confirmed.url == response.url
    # Without a search to go back to, the page is the page.
    assert client.post(f"/resources/{facility.pk}/edit/", _form(facility)).url == f"/resources/{facility.pk}/"


def test_a_community_resource_reached_from_the_search_offers_the_way_back(client_for, cast):
    salon = make_community("戻れるサロン", cast.daily1)
    page = (
        client_for("anonymous")
        .get(f"/resources/{salon.pk}/?back={quote('/resources/?mode=community')}")
        .content.decode()
    )
    assert back_links(page) == ["/resources/?mode=community#results-heading"]


@pytest.mark.parametrize(
    "back",
    [
        "https://evil.example/resources/?q=a",
        "//evil.example/resources/?q=a",
        "/\\evil.example/resources/?q=a",
        "http://testserver/resources/?q=a",  # our host, but not a relative path
        "javascript:alert(1)//resources/",
        "/resources/123/",
        "/resources/print/?q=a",
        "/accounts/logout/",
        "resources/?q=a",
    ],
)
def test_a_back_that_is_not_this_sites_search_page_gives_no_link(client_for, cast, back):
    facility = make_facility("狙われる医院")
    page = client_for("anonymous").get(f"/resources/{facility.pk}/", {"back": back}).content.decode()
    assert back_links(page) == []


def test_the_way_back_carries_nothing_but_the_searchs_parsed_query(client_for, cast):
    facility = make_facility("安全な医院")
    page = (
        client_for("anonymous")
        .get(f"/resources/{facility.pk}/", {"back": '/resources/?q="><script>alert(1)</script>'})
        .content.decode()
    )
    assert "<script>alert(1)" not in page
    assert back_links(page) == ["/resources/?q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E#results-heading"]


@pytest.mark.parametrize(
    ("referer", "expected"),
    [
        ("http://testserver/resources/?q=a&kind=2", ["/resources/?q=a&amp;kind=2#results-heading"]),
        ("http://testserver/resources/", ["/resources/#results-heading"]),
        ("https://evil.example/resources/?q=a", []),
        ("http://testserver/consultations/", []),
    ],
)
def test_without_back_the_referer_counts_only_when_it_is_our_search_page(client_for, cast, referer, expected):
    facility = make_facility("紹介された医院")
    page = client_for("anonymous").get(f"/resources/{facility.pk}/", HTTP_REFERER=referer).content.decode()
    assert back_links(page) == expected


def test_a_facility_page_opened_directly_has_no_way_back(client_for, cast):
    facility = make_facility("直接の医院")
    assert back_links(client_for("professional").get(f"/resources/{facility.pk}/").content.decode()) == []
