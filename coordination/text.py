"""Japanese-aware text normalisation, shared by search, imports and duplicate checks."""

import re
import unicodedata

# katakana → hiragana as a list indexed by code point: str.translate looks a list up faster
# than a dict (search_text is folded for every row of an import). Code points past the end
# raise IndexError, which translate takes as "leave unchanged".
_KATAKANA_TO_HIRAGANA = list(range(0x3100))
for _cp in range(0x30A1, 0x30F7):
    _KATAKANA_TO_HIRAGANA[_cp] = _cp - 0x60
_DASHES = re.compile(r"[‐‑‒–—―−ーｰ－﹣⁃]")


def normalize(text):
    """Fold for matching: NFKC (full/half width), case, katakana → hiragana, no spaces.

    ひまわり and ヒマワリ, ＡＢＣ and abc, ｶﾞ and ガ all meet. The long-vowel mark is kept
    (it is part of words like ケアマネージャー) but both forms of it fold together."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).casefold().translate(_KATAKANA_TO_HIRAGANA)
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
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text or ""))
