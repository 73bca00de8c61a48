"""Areas served (訪問対応地域) and the search facet 「この地域に訪問できる」."""

from resources.models import Facility
from tests.resources.factories import make_facility


def test_the_facet_finds_services_that_visit_the_area_or_the_ward_above_it(client, cast):
    whole_ward = make_facility("区全体に伺う医院", kind_code="visiting-nursing", area=cast.ward2)
    whole_ward.areas_served.set([cast.ward1])
    daily_only = make_facility("圏域だけの訪看", kind_code="visiting-nursing")
    daily_only.areas_served.set([cast.daily1])
    elsewhere = make_facility("西区だけの医院", area=cast.ward1)
    elsewhere.areas_served.set([cast.ward2])
    assert set(Facility.objects.visiting(cast.daily1)) == {whole_ward, daily_only}
    assert set(Facility.objects.visiting(cast.ward1)) == {whole_ward}
    html = client.get(f"/resources/?visits={cast.daily1.pk}").content.decode()
    assert "区全体に伺う医院" in html and "圏域だけの訪看" in html and "西区だけの医院" not in html


def test_the_search_form_offers_the_facet_as_an_area_tree(client, cast):
    html = client.get("/resources/").content.decode()
    assert '<label for="id_visits">この地域に訪問できる</label>' in html
    assert html.index(f'<option value="{cast.ward1.pk}"', html.index('id="id_visits"')) < html.index(
        f'<option value="{cast.daily1.pk}"', html.index('id="id_visits"')
    )


def test_a_bad_area_is_a_form_error_not_a_500(client, cast):
    response = client.get("/resources/?visits=999999")
    assert response.status_code == 200 and "検索条件に誤りがあります" in response.content.decode()


def test_distance_stays_a_secondary_order_within_the_facet(client, cast):
    near = make_facility("近い訪看", latitude=33.88, longitude=130.87)
    far = make_facility("遠い訪看", latitude=33.95, longitude=130.95)
    for f in (near, far):
        f.areas_served.set([cast.ward1])
    ids = list(Facility.objects.visiting(cast.ward1).near(33.88, 130.87).values_list("pk", flat=True))
    assert ids == [near.pk, far.pk]


def test_staff_edit_the_areas_served_and_the_facility_page_shows_them(client_for, cast):
    from tests.resources.test_facility_pages import _form

    f = make_facility("編集する訪看", kind_code="visiting-nursing")
    data = _form(f, areas_served=[str(cast.ward1.pk), str(cast.daily1.pk)])
    data["kind"] = f.kind_id
    response = client_for("coordinator").post(f"/resources/{f.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:1500]
    assert set(f.areas_served.all()) == {cast.ward1, cast.daily1}
    page = client_for("anonymous").get(f"/resources/{f.pk}/").content.decode()
    assert "訪問できる地域: " in page and "東区" in page and "東北圏域" in page


def test_the_facility_states_its_areas_through_its_link(client_for, cast):
    from resources.models import ChangeRequest, UpdateLink
    from tests.resources.test_update_links import _answer

    f = make_facility("リンクの訪看", kind_code="visiting-nursing")
    link = UpdateLink.objects.create(facility=f)
    client_for("anonymous").post(f"/resources/u/{link.token}/", _answer(f, areas_served=[str(cast.ward2.pk)]))
    cr = ChangeRequest.objects.get()
    assert cr.changed_keys == ["areas_served"]
    assert "西区" in client_for("coordinator").get(f"/resources/changes/{cr.pk}/").content.decode()
    client_for("coordinator").post(f"/resources/changes/{cr.pk}/", {"approve_all": "1"})
    assert list(f.areas_served.all()) == [cast.ward2]
