"""The portal names a consultation 「相談 #471」: its number typed in the list's keyword box finds it,
as #471, ＃４７１ or 471, within the list's own scope, and the list shows the number."""

import re

import pytest

from tests.consultations.factories import make_consultation


def _found(client, q):
    html = client.get("/consultations/", {"q": q}).content.decode()
    return html, int(re.search(r'data-result-count="(\d+)"', html).group(1))


@pytest.mark.parametrize("typed", ["#{}", "＃{}", "{}", "#{} "])
def test_a_number_finds_the_consultation_of_that_number(client_for, cast, typed):
    wanted = make_consultation(cast.center1, summary="訪問診療医を探したい")
    make_consultation(cast.center1, summary="別の相談")
    number = str(wanted.pk)
    if typed.startswith("＃"):
        number = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    html, count = _found(client_for("coordinator"), typed.format(number))
    assert count == 1
    assert f'data-consultation-number="{wanted.pk}">#{wanted.pk}</span>' in html


def test_a_number_still_matches_text_too(client_for, cast):
    by_text = make_consultation(cast.center1, summary="電話 093-9999-0000 に折り返し")
    make_consultation(cast.center1, summary="別の相談")
    html, count = _found(client_for("coordinator"), "9999")
    assert count == 1 and f'data-consultation-number="{by_text.pk}"' in html


def test_the_number_of_another_centers_consultation_finds_nothing(client_for, cast):
    other = make_consultation(cast.center2, summary="他センターの相談")
    html, count = _found(client_for("coordinator"), f"#{other.pk}")
    assert count == 0 and "他センターの相談" not in html


def test_a_number_and_a_word_narrow_together(client_for, cast):
    wanted = make_consultation(cast.center1, summary="訪問診療医を探したい")
    assert _found(client_for("coordinator"), f"#{wanted.pk} 訪問診療")[1] == 1
    assert _found(client_for("coordinator"), f"#{wanted.pk} 薬局")[1] == 0


def test_a_huge_number_is_only_text(client_for, cast):
    make_consultation(cast.center1)
    assert _found(client_for("coordinator"), "#" + "9" * 40)[1] == 0
