"""`manage.py import_consultations` keeps a record of what it imported, like the web import, and
refuses a file imported before (on the page or by the command) unless --allow-duplicate is given."""

import getpass
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from consultations.models import Consultation, ConsultationImport
from tests.consultations.test_import import GOOD, csv_bytes
from tests.consultations.test_import_duplicates import _imported, _page, _upload


def command(tmp_path, data, name="log.csv", **options):
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_consultations", str(path), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def _day(batch):
    when = timezone.localtime(batch.finished_at)
    return f"{when.year}年{when.month}月{when.day}日"


def test_the_command_records_its_import_with_the_files_fingerprint(tmp_path, cast):
    out, _ = command(tmp_path, csv_bytes(GOOD))
    assert "created 2" in out
    batch = ConsultationImport.objects.get()
    assert batch.status == "done" and batch.user is None and batch.command_user == getpass.getuser()
    assert (batch.file_name, batch.rows, batch.created, batch.errors) == ("log.csv", 2, 2, 0)
    assert len(batch.sha256) == 64 and batch.finished_at is not None


def test_the_same_file_again_by_the_command_is_refused_naming_the_earlier_import(tmp_path, cast):
    command(tmp_path, csv_bytes(GOOD))
    first = ConsultationImport.objects.get()
    with pytest.raises(CommandError) as refused:
        command(tmp_path, csv_bytes(GOOD), name="renamed.csv")
    message = str(refused.value)
    assert (
        f"このファイルは{_day(first)}にコマンド import_consultations（実行: {getpass.getuser()}）で取り込み済みです。"
        in message
    )
    assert "--allow-duplicate" in message and "何も取り込んでいません" in message
    assert Consultation.objects.count() == 2 and ConsultationImport.objects.count() == 1


def test_a_file_imported_on_the_page_is_refused_by_the_command_naming_the_admin(tmp_path, cast, client_for):
    first = _imported(client_for("admin"), csv_bytes(GOOD))
    with pytest.raises(CommandError) as refused:
        command(tmp_path, csv_bytes(GOOD))
    assert f"このファイルは{_day(first)}に{cast.admin}さんが取り込み済みです。" in str(refused.value)
    assert Consultation.objects.count() == 2


def test_allow_duplicate_imports_it_again_and_is_recorded(tmp_path, cast):
    command(tmp_path, csv_bytes(GOOD))
    out, err = command(tmp_path, csv_bytes(GOOD), allow_duplicate=True)
    assert "created 2" in out and "取り込み済みです" in err
    assert Consultation.objects.count() == 4
    second = ConsultationImport.objects.latest("pk")
    assert second.allow_duplicate and second.status == "done"


def test_a_dry_run_of_a_duplicate_says_so_and_saves_nothing(tmp_path, cast):
    command(tmp_path, csv_bytes(GOOD))
    out, err = command(tmp_path, csv_bytes(GOOD), dry_run=True)
    assert "(dry run)" in out and "取り込み済みです" in err
    assert Consultation.objects.count() == 2 and ConsultationImport.objects.count() == 1


def test_a_refused_file_leaves_no_record(tmp_path, cast):
    with pytest.raises(CommandError):
        command(tmp_path, csv_bytes(["2026-08-03 10:15,C99,電話,ケアマネジャー,,,,,,連絡調整,,,,完了"]))
    assert not ConsultationImport.objects.exists()


def test_the_page_warns_about_a_file_the_command_imported_and_lists_it(tmp_path, cast, client_for):
    command(tmp_path, csv_bytes(GOOD))
    client = client_for("admin")
    batch = _upload(client, csv_bytes(GOOD))
    html = _page(client, batch)
    assert "data-import-duplicate" in html
    assert f"コマンド import_consultations（実行: {getpass.getuser()}）で取り込み済みです。" in html
    history = client.get("/consultations/import/").content.decode()
    assert f"<td>コマンド import_consultations（実行: {getpass.getuser()}）</td>" in history


def test_user_names_the_admin_in_the_record_and_in_a_later_refusal(tmp_path, cast, client_for):
    command(tmp_path, csv_bytes(GOOD), user=cast.admin.username)
    batch = ConsultationImport.objects.get()
    assert batch.user == cast.admin and batch.command_user == getpass.getuser()
    client = client_for("admin")
    page = _page(client, _upload(client, csv_bytes(GOOD)))
    assert f"このファイルは{_day(batch)}に{cast.admin}さんが取り込み済みです。" in page


@pytest.mark.parametrize(
    ("who", "message"),
    [("nobody", "ユーザー「nobody」が見つかりません。"), ("coordinator", "は管理者ではありません")],
)
def test_user_must_be_an_active_admin_and_nothing_is_imported_otherwise(tmp_path, cast, who, message):
    username = getattr(cast, who).username if who != "nobody" else who
    with pytest.raises(CommandError) as refused:
        command(tmp_path, csv_bytes(GOOD), user=username)
    assert message in str(refused.value) and "何も取り込んでいません" in str(refused.value)
    assert Consultation.objects.count() == 0 and ConsultationImport.objects.count() == 0
