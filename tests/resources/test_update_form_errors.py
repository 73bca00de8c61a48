"""The update form on a phone: the summary at the top names each wrong field and links to it,
and the field's own message stays beside it."""

from resources.models import UpdateLink
from tests.resources.factories import make_facility


def test_a_too_long_phone_number_is_named_at_the_top_with_a_link_to_its_field(client_for, cast):
    facility = make_facility("訪看あおば", kind_code="visiting-nursing")
    link = UpdateLink.objects.create(facility=facility)
    html = (
        client_for("anonymous")
        .post(
            f"/resources/u/{link.token}/",
            {
                "direct_phone": "093-123-4567 内線 12345 から 67890",
                "windows-TOTAL_FORMS": "1",
                "windows-INITIAL_FORMS": "0",
                "windows-0-start": "13:00",
                "windows-0-end": "14:00",
            },
        )
        .content.decode()
    )
    summary = html[html.index("data-error-summary") : html.index("</div>", html.index("data-error-summary"))]
    assert (
        '<a href="#id_direct_phone_field">直通電話：20文字以内で入力してください（いまは30文字です）。</a>'
        in summary
    )
    assert '<a href="#windows-row-1">ケアマネタイム 1行目の曜日：曜日を1つ以上選んでください。</a>' in summary
    field = html[html.index('id="id_direct_phone_field"') :]
    field = field[: field.index("</div>\n</div>") if "</div>\n</div>" in field else 2000]
    assert 'name="direct_phone"' in field and "20文字以内で入力してください" in field
    assert 'id="windows-row-1"' in html
    assert not facility.change_requests.exists()
