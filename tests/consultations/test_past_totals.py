"""Past years' 月報 totals imported as totals feed the monthly trend."""

import pytest
from django.core.management import CommandError, call_command

from consultations.models import PastMonthlyTotal
from consultations.reports import Report, period_from
from tests.consultations.factories import make_consultation


def write(tmp_path, text):
    path = tmp_path / "past.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    return str(path)


def test_totals_import_and_the_trend_of_a_past_year_shows_them(cast, tmp_path, capsys):
    call_command(
        "import_monthly_totals",
        write(tmp_path, 'センター,年,月,相談件数\nC01,2024,4,31\nC01,2025,3,"1,204"\nC02,2024,4,7\n'),
    )
    assert "imported 3" in capsys.readouterr().out
    monthly = dict(Report(period_from({"fiscal_year": "2024"}), [cast.center1, cast.center2]).monthly())
    assert monthly["2024年4月"] == [31, 7] and monthly["2025年3月"] == [1204, 0]


def test_the_portals_own_records_win_over_an_imported_total(cast, tmp_path):
    make_consultation(cast.center1, (2026, 8, 3, 10, 0))
    call_command("import_monthly_totals", write(tmp_path, "センター,年,月,相談件数\nC01,2026,8,99\n"))
    monthly = dict(Report(period_from({"fiscal_year": "2026"}), [cast.center1]).monthly())
    assert monthly["2026年8月"] == [1]


def test_a_bad_row_names_row_and_column_and_nothing_is_saved(cast, tmp_path, capsys):
    path = write(tmp_path, "センター,年,月,相談件数\nC01,2024,4,31\nC09,2024,13,x\n")
    with pytest.raises(CommandError, match="何も取り込んでいません"):
        call_command("import_monthly_totals", path)
    err = capsys.readouterr().err
    assert "3行目「センター」" in err and "3行目「月」" in err and "3行目「相談件数」" in err
    assert not PastMonthlyTotal.objects.exists()


def test_a_missing_column_is_named(cast, tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("import_monthly_totals", write(tmp_path, "センター,年,月\nC01,2024,4\n"))
    assert "1行目「相談件数」: この列がありません。" in capsys.readouterr().err
