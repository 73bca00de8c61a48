"""Areas as people choose them: a tree, city → 区 → 圏域, in every form and filter."""

import pytest

pytestmark = pytest.mark.django_db


def test_areas_are_chosen_from_a_tree_city_then_wards_then_their_areas(cast):
    from coordination.forms import area_tree_choices
    from coordination.models import Area

    Area.objects.create(name="西南圏域", kind=Area.Kind.DAILY, parent=cast.ward2)
    labels = [label for _, label in area_tree_choices()]
    assert labels == ["テスト市", "\u3000東区", "\u3000\u3000東北圏域", "\u3000西区", "\u3000\u3000西南圏域"]
