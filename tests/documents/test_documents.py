"""The document library: public and professionals-only, versions by effective date, file checks,
a safe Content-Disposition, and a rule showing the rates of the survey that monitors it."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coordination.exports import content_disposition
from documents.models import Document, DocumentVersion
from tests.surveys.factories import answered, make_survey, question

PDF = b"%PDF-1.4\n%test\n"


def xlsx_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def upload(client, document, name, data, label="第1版", effective="2024-04-01"):
    return client.post(
        reverse("documents:add_version", args=[document.pk]),
        {"label": label, "effective_from": effective, "file": SimpleUploadedFile(name, data), "note": ""},
    )


@pytest.fixture
def rule(cast):
    return Document.objects.create(title="入退院支援ルール", category="rule", center=cast.center1)


def test_versions_current_by_effective_date_and_earlier_listed(rule, client_for):
    c = client_for("coordinator")
    assert upload(c, rule, "ルール第1版.pdf", PDF, "第1版", "2020-04-01").status_code == 302
    assert upload(c, rule, "ルール第2版.pdf", PDF + b"2", "第2版", "2024-04-01").status_code == 302
    assert upload(c, rule, "ルール第3版.pdf", PDF + b"3", "第3版", "2099-04-01").status_code == 302  # not yet
    assert rule.current_version().label == "第2版"
    page = c.get(reverse("documents:detail", args=[rule.pk])).content.decode()
    assert 'data-current-version="第2版"' in page
    assert all(f'data-version="第{n}版"' in page for n in (1, 2, 3))
    got = c.get(reverse("documents:download", args=[rule.pk]))
    assert b"".join(got.streaming_content) == PDF + b"2"
    assert got["Content-Type"] == "application/pdf"
    first = rule.versions.get(label="第1版")
    old = c.get(reverse("documents:version_download", args=[rule.pk, first.pk]))
    assert b"".join(old.streaming_content) == PDF


def test_professionals_only_documents_need_a_login(cast, client_for):
    inner = Document.objects.create(title="退院調整の内部手順", category="manual", visibility="professionals")
    public = Document.objects.create(title="リーフレット", category="leaflet")
    anonymous = client_for("anonymous")
    listing = anonymous.get(reverse("documents:index")).content.decode()
    assert "リーフレット" in listing and "退院調整の内部手順" not in listing
    refused = anonymous.get(reverse("documents:detail", args=[inner.pk]))
    assert refused.status_code == 302 and "/accounts/login/" in refused["Location"]
    assert anonymous.get(reverse("documents:download", args=[inner.pk])).status_code == 302
    assert anonymous.get(reverse("documents:detail", args=[public.pk])).status_code == 200
    assert "退院調整の内部手順" in client_for("professional").get(reverse("documents:index")).content.decode()
    assert client_for("professional").get(reverse("documents:detail", args=[inner.pk])).status_code == 200


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("macro.xlsm", xlsx_bytes(), "登録できるのは"),
        ("fake.pdf", b"<html>not a pdf</html>", "中身が拡張子"),
        ("word.docx", xlsx_bytes(), "中身が拡張子"),
        ("empty.png", b"", "空"),
    ],
)
def test_wrong_type_or_content_is_refused_with_a_japanese_error(rule, client_for, name, data, message):
    page = upload(client_for("coordinator"), rule, name, data)
    assert page.status_code == 200 and message in page.content.decode()
    assert not DocumentVersion.objects.exists()


def test_size_limit_is_a_setting(rule, client_for, settings):
    settings.DOCUMENT_MAX_BYTES = 10
    page = upload(client_for("coordinator"), rule, "big.pdf", PDF + b"x" * 20)
    assert "大きすぎます" in page.content.decode() and not DocumentVersion.objects.exists()
    settings.DOCUMENT_MAX_BYTES = 1000
    assert upload(client_for("coordinator"), rule, "sheet.xlsx", xlsx_bytes()).status_code == 302


def test_content_disposition_is_safe_and_keeps_the_japanese_name():
    header = content_disposition('入退院"ルール\r\n../第2版.pdf')
    assert "\r" not in header and "\n" not in header and '"ルール' not in header
    assert header.startswith('attachment; filename="')
    assert "filename*=UTF-8''%E5%85%A5%E9%80%80%E9%99%A2" in header
    assert content_disposition("ルール.pdf").split(";")[1].strip() == 'filename="download.pdf"'


def test_another_centers_coordinator_cannot_add_a_version(rule, client_for):
    assert upload(client_for("coordinator2"), rule, "x.pdf", PDF).status_code == 404
    assert upload(client_for("professional"), rule, "x.pdf", PDF).status_code == 403
    assert not DocumentVersion.objects.exists()


def test_a_rule_shows_the_latest_rates_of_its_survey_small_counts_hidden(cast, client_for, settings):
    from surveys import presets

    survey = make_survey(cast.center1, series_key="admission-discharge", template="admission_discharge")
    question(survey, "clients", kind="rows", columns=presets.admission_columns(["X病院"]))
    answered(
        survey,
        {
            "clients": [
                {
                    presets.HOSPITAL: "X病院",
                    presets.ADMISSION: presets.ADMISSION_YES,
                    presets.METHOD: "電話",
                    presets.DISCHARGE: presets.DISCHARGE_NO,
                },
                {
                    presets.HOSPITAL: "X病院",
                    presets.ADMISSION: presets.ADMISSION_NO,
                    presets.DISCHARGE: presets.DISCHARGE_YES,
                    presets.TIMING: "退院当日",
                },
                {
                    presets.HOSPITAL: "X病院",
                    presets.ADMISSION: presets.ADMISSION_YES,
                    presets.METHOD: "FAX",
                    presets.DISCHARGE: presets.NOT_APPLICABLE,
                },
            ]
        },
    )
    rule = Document.objects.create(title="入退院支援ルール", category="rule", monitored_by=survey)
    url = reverse("documents:detail", args=[rule.pk])
    settings.PUBLISH_SUPPRESS_BELOW = 1
    page = client_for("anonymous").get(url).content.decode()
    assert 'data-rate="入院時連絡率" data-value="66.7"' in page  # 2 of 3
    assert 'data-rate="退院時連絡率" data-value="50.0"' in page  # 1 of 2
    settings.PUBLISH_SUPPRESS_BELOW = 5  # the page is public: three rows are too few to show
    page = client_for("anonymous").get(url).content.decode()
    assert 'data-rate="入院時連絡率" data-value="">-</strong>' in page


def test_document_list_keeps_its_queries(cast, client_for, django_assert_num_queries):
    for i in range(4):
        Document.objects.create(title=f"様式{i}", center=cast.center1 if i % 2 else None)
    c = client_for("anonymous")
    with django_assert_num_queries(2):  # count, page
        page = c.get(reverse("documents:index"))
    assert page.content.decode().count("data-document=") == 4


def test_a_rules_rates_note_names_the_suppression_threshold(cast, client_for, settings):
    """The note under the rates says below how many answers a rate is hidden, with the number."""
    from surveys import presets

    survey = make_survey(cast.center1, series_key="admission-discharge", template="admission_discharge")
    question(survey, "clients", kind="rows", columns=presets.admission_columns(["X病院"]))
    answered(survey, {"clients": [{presets.HOSPITAL: "X病院", presets.ADMISSION: presets.ADMISSION_YES}]})
    rule = Document.objects.create(title="入退院支援ルール", category="rule", monitored_by=survey)
    settings.PUBLISH_SUPPRESS_BELOW = 7
    page = client_for("anonymous").get(reverse("documents:detail", args=[rule.pk])).content.decode()
    assert "回答の少ない率（7件未満を含むもの）は「-」で示しています。" in page
