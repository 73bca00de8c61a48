"""A file with one line its encoding cannot read (a stray byte, a line pasted from a file of
another encoding) loses that line only: it is set aside with its row number, the rest imports."""

import pytest

from resources import imports
from resources.models import Facility
from tests.resources.samples import KAIGO_ROWS, as_csv, kaigo_rows

pytestmark = pytest.mark.django_db

THIRD = [
    *KAIGO_ROWS[1][:4],
    "訪問看護ステーション桜",
    *KAIGO_ROWS[1][5:15],
    "0470100037",
    *KAIGO_ROWS[1][16:],
]


def with_bad_line(encoding, bad):
    """The sample file in `encoding`, its second data row (row 3) spoiled by the bytes `bad`."""
    lines = as_csv(kaigo_rows([KAIGO_ROWS[0], KAIGO_ROWS[1], THIRD]), encoding).split(b"\r\n")
    lines[2] = lines[2].replace("訪問介護".encode(encoding.removesuffix("-sig")), bad, 1)
    assert bad in lines[2]
    return b"\r\n".join(lines)


@pytest.mark.parametrize(
    ("encoding", "bad"),
    [
        ("cp932", b"\x85\x40"),  # a Shift_JIS lead byte with no character behind it
        ("utf-8-sig", b"\x82"),  # a stray byte in a UTF-8 file with a BOM
        ("utf-8", b"\x93\xfa\x96\x7b"),  # Shift_JIS bytes (日本) pasted into a UTF-8 file
    ],
)
def test_a_line_the_encoding_cannot_read_is_set_aside_and_the_rest_imports(cast, encoding, bad):
    plan = imports.run(with_bad_line(encoding, bad), "jigyosho_430.csv", write=True)
    assert plan.ok, plan.error
    assert (
        "3行目: 文字コードを読み取れませんでした（この行だけ別の文字コードか、壊れた文字が混じっています）。"
        in (plan.rejected_lines())
    )
    assert (plan.created, plan.rejected_rows) == (2, 1)
    assert set(Facility.objects.values_list("name", flat=True)) == {
        "ケアプランセンターひまわり",
        "訪問看護ステーション桜",
    }
    # The row comes back in the file of rows to fix, with its row number.
    _, rows = plan.rejected_table()
    assert [r[0] for r in rows] == [3]


def test_a_file_in_another_encoding_throughout_is_still_refused(cast):
    # A BOM that says UTF-8 in front of a Shift_JIS file: not one bad line but every line.
    plan = imports.run(b"\xef\xbb\xbf" + as_csv(kaigo_rows(), "cp932"), "jigyosho_430.csv")
    assert not plan.ok
    assert "UTF-8" in plan.error


def test_an_unreadable_header_refuses_the_file_naming_its_row(cast):
    lines = as_csv(kaigo_rows(), "utf-8").split(b"\r\n")
    lines[0] = lines[0].replace("事業所名".encode(), b"\x82", 1)
    plan = imports.run(b"\r\n".join(lines), "jigyosho_430.csv")
    assert not plan.ok
    assert "1行目の文字コードを読み取れませんでした" in plan.error


def test_a_utf8_line_pasted_into_a_shift_jis_file_reads_as_what_it_says(cast):
    # UTF-8 read as CP932 passes without an error, as mojibake (ひまわり → 縺ｲ縺ｾ繧上ｊ): the line
    # is read as the UTF-8 it is, not imported under a garbled name.
    lines = as_csv(kaigo_rows([KAIGO_ROWS[0], KAIGO_ROWS[1], THIRD]), "cp932").split(b"\r\n")
    lines[3] = lines[3].decode("cp932").encode("utf-8")
    plan = imports.run(b"\r\n".join(lines), "jigyosho_430.csv", write=True)
    assert plan.ok, plan.error
    assert (plan.created, plan.rejected_rows) == (3, 0)
    assert "訪問看護ステーション桜" in set(Facility.objects.values_list("name", flat=True))
    assert not Facility.objects.filter(name__contains="縺").exists()
