"""A refused consultation form says at the top which fields to correct, each a link to its field:
on a long form taken during a call, the messages under the fields are out of sight."""

import re
from html import unescape

from consultations.models import Consultation
from tests.consultations.test_consultations import form_data


def banner(html):
    match = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def test_the_banner_names_each_wrong_field_in_the_forms_order_with_a_link_to_it(client_for, cast):
    # No 相談者区分, no 相談内容, and a 受付日時 that is not a date.
    response = client_for("coordinator").post("/consultations/new/?form=0", form_data(received_at="昨日"))
    assert response.status_code == 200 and not Consultation.objects.exists()
    html = response.content.decode()
    said = banner(html)
    text = unescape(re.sub(r"<[^>]+>", "", said))
    assert (
        text == "入力内容に誤りがあります。相談者区分、相談内容（複数選択可）、受付日時を確認してください。"
    )
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', said)
    assert links == [
        ("id_consultant_type", "相談者区分"),
        ("id_topic_ids", "相談内容（複数選択可）"),
        ("id_received_at", "受付日時"),
    ]
    for target, _ in links:  # each link leads to the field on the page
        assert html.count(f'id="{target}"') == 1, target
    assert "各項目のメッセージを確認してください" not in html


def test_one_wrong_field_is_named_alone(client_for, cast):
    from consultations.models import ConsultantType
    from tests.consultations.factories import topic

    data = form_data(
        consultant_type=ConsultantType.objects.get(name="ケアマネジャー").pk,
        topic_ids=[topic("連絡調整").pk],
        client_age="200",
    )
    html = client_for("coordinator").post("/consultations/new/", data).content.decode()
    text = unescape(re.sub(r"<[^>]+>", "", banner(html)))
    assert text == "入力内容に誤りがあります。対象者の年齢を確認してください。"


def test_a_stale_edit_says_its_own_message_and_names_the_wrong_fields_too(client_for, cast):
    from tests.consultations.factories import make_consultation

    c = make_consultation(cast.center1)
    data = form_data(version="x", consultant_type=c.consultant_type_id, topic_ids=[], client_age="200")
    html = client_for("coordinator").post(f"/consultations/{c.pk}/edit/", data).content.decode()
    text = unescape(re.sub(r"<[^>]+>", "", banner(html)))
    assert "相談内容（複数選択可）、対象者の年齢も確認してください。" in text
