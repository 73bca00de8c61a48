import pytest

from resources.imports import cleaning


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("093-123-4567", "093-123-4567"),  # already clean: returned as it is
        ("0931234567", "0931234567"),
        ("093--123-4567", "093-123-4567"),  # looks clean, is not: normalised
        ("093-123-", "093-123"),
        ("-093-123", "093-123"),
        ("０９３－１２３－４５６７", "093-123-4567"),
        ("093‐123‐4567", "093-123-4567"),
        ("(093)123-4567", "093-123-4567"),
        ("093 123 4567", "093-123-4567"),
        ("", ""),
    ],
)
def test_phone_numbers_come_out_in_one_form(raw, clean):
    assert cleaning.phone(raw) == clean


def test_a_phone_number_too_short_is_an_error():
    with pytest.raises(cleaning.CellError, match="電話番号として読めません"):
        cleaning.phone("12345")


def test_opening_days_keep_the_known_tokens_and_name_the_others():
    assert cleaning.opening_days("土曜日,平日") == ("平日・土曜日", ())
    assert cleaning.opening_days("平日,毎日") == ("平日", ("毎日",))
