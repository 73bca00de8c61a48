"""Japanese-aware text normalisation, shared by search, imports and duplicate checks."""

import re
import unicodedata

# katakana → hiragana as a list indexed by code point: str.translate looks a list up faster
# than a dict. Code points past the end raise IndexError, which translate takes as "leave
# unchanged".
_KATAKANA_TO_HIRAGANA = list(range(0x3100))
for _cp in range(0x30A1, 0x30F7):
    _KATAKANA_TO_HIRAGANA[_cp] = _cp - 0x60
# translate() still costs about 90 ns a character (an int object per lookup), most of
# normalize() for a search_text of 100 characters; only the katakana runs need it, and the
# same runs (ステーション, ケア, ビル…) come back in every row of an import.
_KATAKANA_RUN = re.compile("([\u30a1-\u30f6]+)")
_folded_runs = {}
_FOLDED_RUNS_MAX = 50_000


def _fold_katakana(text):
    parts = _KATAKANA_RUN.split(text)
    if len(parts) == 1:
        return text
    for i in range(1, len(parts), 2):
        run = parts[i]
        folded = _folded_runs.get(run)
        if folded is None:
            folded = run.translate(_KATAKANA_TO_HIRAGANA)
            if len(_folded_runs) < _FOLDED_RUNS_MAX:
                _folded_runs[run] = folded
        parts[i] = folded
    return "".join(parts)


_DASHES = re.compile(r"[‐‑‒–—―−ーｰ－﹣⁃]")
# In an address or a number, any dash is a hyphen; the long-vowel mark only after a digit
# (3ー3ー24), since in words it is part of the word (ケアマネージャー).
_TEXT_DASHES = re.compile(r"[‐‑‒–—―−﹣⁃]|(?<=[0-9])ー")


def normalize(text):
    """Fold for matching: NFKC (full/half width), case, dashes, katakana → hiragana, no spaces.

    ひまわり and ヒマワリ, ＡＢＣ and abc, ｶﾞ and ガ all meet. The long-vowel mark is kept
    (it is part of words like ケアマネージャー) but both forms of it fold together."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    if not text.isascii():
        text = _TEXT_DASHES.sub("-", text)
        text = _fold_katakana(text)
    return "".join(text.split())


def nfkc(text):
    """Full-width letters and digits as ASCII, half-width kana as full width; stripped."""
    if not text:
        return ""
    if text.isascii():
        return text.strip()  # NFKC leaves ASCII as it is (imports call this for every cell)
    return unicodedata.normalize("NFKC", text).strip()


def normalize_phone(text):
    """Full-width digits and any dash → ASCII `092-123-4567`; leading zeros kept."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).strip()
    text = _DASHES.sub("-", text)
    text = re.sub(r"[()（）\s]+", "-", text).strip("-")
    return re.sub(r"-{2,}", "-", text)


def digits(text):
    """The digits only, in any width: the one key phone and FAX numbers are compared by
    (093-123-4567, ０９３（１２３）４５６７ and 0931234567 are one number) — in imports, duplicate
    checks and the search text alike."""
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text or ""))


# A reading (ふりがな): hiragana (ゔ ゕ ゖ and the iteration marks included), the long-vowel mark,
# ・ between the parts of a foreign name, and spaces.
_KANA_READING = re.compile(r"[\u3041-\u3096\u309d\u309e\u30fc\u30fb ]*")


def kana_reading(text):
    """A name's reading typed in hiragana or katakana, in any width, as the one form it is kept in:
    hiragana with single spaces (ヤマダ　ハナコ and ﾔﾏﾀﾞ ﾊﾅｺ → やまだ はなこ). "" for nothing typed;
    None when the text holds anything else (kanji, letters, digits), which is not a reading."""
    if not text or not text.strip():
        return ""
    folded = " ".join(_fold_katakana(unicodedata.normalize("NFKC", text)).split())
    return folded if _KANA_READING.fullmatch(folded) else None
