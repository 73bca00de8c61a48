import unicodedata

import pytest

from coordination.text import kana_reading, normalize
from resources.models import Facility


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("ヒマワリ", "ひまわり"),
        ("ﾋﾏﾜﾘ", "ひまわり"),
        ("ＡＢＣ　薬局", "abc薬局"),
        ("ヴァ ヵヶ", "ゔぁゕゖ"),  # the last katakana with a hiragana twin fold too
        ("ヷ・ー", "ヷ・ー"),  # no hiragana twin: kept
        ("ケアマネージャー", "けあまねーじゃー"),
        ("\t森\n医院 ", "森医院"),
        ("𠮷野家", "𠮷野家"),  # beyond the table: unchanged
        (None, ""),
        (12, "12"),
    ],
)
def test_normalize_folds_width_case_kana_and_spaces(raw, folded):
    assert normalize(raw) == folded


def test_normalize_folds_every_katakana_run_wherever_it_stands():
    """The katakana runs are folded one by one (and remembered); the result is the
    character-by-character fold of the whole text."""
    kana = {cp: cp - 0x60 for cp in range(0x30A1, 0x30F7)}
    block = "".join(chr(cp) for cp in range(0x3040, 0x3100))  # hiragana and katakana blocks
    for text in (block, f"森{block}医院", f"ア{block}", f"{block}ン", "ケア|ケア|ビル ケア"):
        expected = "".join(unicodedata.normalize("NFKC", text).casefold().translate(kana).split())
        assert normalize(text) == expected
        assert normalize(text) == expected  # the second time from the remembered runs


def test_search_text_is_each_field_normalised_and_joined_with_the_phones_as_digits():
    values = {
        "name": "ｶﾌｪ&ケア",
        "name_kana": "カフェ アンド ケア",
        "address": "北九州市小倉北区１丁目２－３",
        "corporation_name": None,
        "phone": "093-582-1111",
        "fax": "",
    }
    texts = "|".join(normalize(values[f]) for f in ("name", "name_kana", "address", "corporation_name"))
    assert Facility.search_text_for(values) == texts + "|0935821111"
    assert texts == "かふぇ&けあ|かふぇあんどけあ|北九州市小倉北区1丁目2-3|"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("やまだ はなこ", "やまだ はなこ"),
        ("ヤマダ　ハナコ", "やまだ はなこ"),  # full-width space
        ("ﾔﾏﾀﾞ  ﾊﾅｺ", "やまだ はなこ"),  # half-width kana, two spaces
        (" サトー ", "さとー"),
        ("スミス・ジョン", "すみす・じょん"),
        ("", ""),
        ("   ", ""),
        ("山田", None),
        ("yamada", None),
        ("やまだ1", None),
    ],
)
def test_a_reading_is_kept_in_hiragana_and_anything_else_is_not_a_reading(typed, kept):
    assert kana_reading(typed) == kept
