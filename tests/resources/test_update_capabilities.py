"""The update form's 在宅対応機能 in the groups of Capability.group: the facility's current ones
first, then the groups facilities of its kind use, the rest folded; still one field."""

import re

from resources.models import Capability, UpdateLink
from tests.resources.factories import make_facility


def _form(client, facility):
    link = UpdateLink.objects.create(facility=facility)
    return link, client.get(f"/resources/u/{link.token}/").content.decode()


def test_current_capabilities_come_first_then_the_kinds_groups_and_the_rest_folded(client_for, cast):
    make_facility("別の薬局", kind_code="pharmacy", capabilities=["narcotics"])
    make_facility("別の訪看", kind_code="visiting-nursing", capabilities=["ventilator"])
    nurse = make_facility("訪看あおば", kind_code="visiting-nursing", capabilities=["st"])
    _, html = _form(client_for("anonymous"), nurse)
    block = html[html.index("data-capability-groups") :]
    st = Capability.objects.get(code="st")
    current = block[block.index('data-capability-group="current"') : block.index("</fieldset>")]
    assert f'value="{st.pk}"' in current and "checked" in current
    folded = block[block.index("<details") : block.index("</details>")]
    assert 'data-capability-group="薬局"' in folded  # no visiting-nursing station uses them
    assert 'data-capability-group="医療処置"' not in folded  # another station states 人工呼吸器
    assert block.index('data-capability-group="医療処置"') < block.index("<details")
    # every capability once, as one field
    assert len(re.findall(r'name="capabilities"', html)) == Capability.objects.count()


def test_the_grouped_capabilities_post_as_before(client_for, cast):
    nurse = make_facility("訪看みどり", kind_code="visiting-nursing", capabilities=["st"])
    link, _ = _form(client_for("anonymous"), nurse)
    st, vent = Capability.objects.get(code="st"), Capability.objects.get(code="ventilator")
    response = client_for("anonymous").post(
        f"/resources/u/{link.token}/",
        {
            "address": nurse.address,  # sent back as the form shows it (an empty one is refused)
            "capabilities": [st.pk, vent.pk],
            "windows-TOTAL_FORMS": "0",
            "windows-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    cr = nurse.change_requests.get()
    assert sorted(cr.proposed["capabilities"]) == sorted([st.pk, vent.pk])


def test_the_change_request_names_the_capabilities_added_and_taken_away(client_for, cast):
    nurse = make_facility("訪看みなと", kind_code="visiting-nursing", capabilities=["st", "narcotics"])
    link, _ = _form(client_for("anonymous"), nurse)
    st, vent = Capability.objects.get(code="st"), Capability.objects.get(code="ventilator")
    narcotics = Capability.objects.get(code="narcotics")
    client_for("anonymous").post(
        f"/resources/u/{link.token}/",
        {
            "address": nurse.address,
            "capabilities": [narcotics.pk, vent.pk],  # 人工呼吸器 added, ST taken away
            "windows-TOTAL_FORMS": "0",
            "windows-INITIAL_FORMS": "0",
        },
    )
    cr = nurse.change_requests.get()
    page = client_for("coordinator").get(f"/resources/changes/{cr.pk}/").content.decode()
    row = page[page.index('data-diff="capabilities"') :].split("</tr>", 1)[0]
    assert f"追加: {vent.name}　削除: {st.name}" in row
