"""The 事業評価's title names what it covers: a ward that one center covers is that center; 「全センター」
only where there are several, with their number."""

import re

from django.test import Client

from coordination.models import Center, Role, User


def heading(user, query="fiscal_year=2026"):
    c = Client()
    c.force_login(user)
    html = c.get("/meetings/evaluation/?" + query).content.decode()
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)


def test_a_ward_with_one_center_is_called_by_the_centers_name(cast):
    ward_official = User.objects.create(username="ward-west", role=Role.OFFICIAL, ward=cast.ward2)
    h1 = heading(ward_official)
    assert h1.endswith("（西センター）")
    assert "全センター" not in h1


def test_a_ward_with_several_centers_says_how_many(cast):
    Center.objects.create(code="C03", name="東第二センター", sort_order=3).areas.set([cast.daily1])
    ward_official = User.objects.create(username="ward-east", role=Role.OFFICIAL, ward=cast.ward1)
    assert heading(ward_official).endswith("（東区の全センター（2か所））")


def test_the_city_says_all_its_centers_with_their_number_and_one_chosen_center_by_name(cast):
    assert heading(cast.official).endswith("（全センター（2か所））")
    assert heading(cast.official, "fiscal_year=2026&center=C01").endswith("（東センター）")
    # a city-wide official choosing a ward that one center covers
    assert heading(cast.official, f"fiscal_year=2026&ward={cast.ward2.pk}").endswith("（西センター）")
