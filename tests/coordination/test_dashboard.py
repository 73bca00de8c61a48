import re

import pytest

from tests.conftest import ROLES


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        ("anonymous", "在宅医療・介護連携支援ポータル"),
        ("admin", "管理者のホーム"),
        ("coordinator", "コーディネーターのホーム"),
        ("professional", "専門職のホーム"),
        ("official", "市職員のホーム"),
    ],
)
def test_dashboard_shows_the_role_home(role, heading, client_for):
    html = client_for(role).get("/").content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'lang="ja"' in html


def test_navigation_shows_admin_link_only_to_admins(client_for):
    for role in ROLES:
        html = client_for(role).get("/").content.decode()
        assert ('href="/admin/"' in html) == (role == "admin"), role


def test_pages_carry_csp_without_inline_script(client_for):
    response = client_for("anonymous").get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_login_with_password_leads_to_dashboard(cast, client):
    response = client.post("/accounts/login/", {"username": "coordinator", "password": "test-pass-2026"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "コーディネーターのホーム" in client.get("/").content.decode()


def test_wrong_password_shows_japanese_error(cast, client):
    response = client.post("/accounts/login/", {"username": "coordinator", "password": "nope"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "ユーザー名またはパスワードが違います。大文字と小文字は区別されます。" in page
    assert "どちらのフィールドも" not in page


def test_a_professionals_home_names_the_center_of_each_event_open_for_sign_up(client_for, cast):
    from tests.training.factories import make_event

    make_event(cast.center1, when=(2099, 12, 23, 18, 30), title="多職種連携研修会")
    make_event(cast.center2, when=(2099, 12, 23, 18, 30), title="多職種連携研修会")
    html = client_for("professional").get("/").content.decode()
    # Two events of the same title and day are told apart by the center holding each.
    assert "（東センター）" in html and "（西センター）" in html


def test_an_admins_home_names_the_center_of_each_coming_event_and_a_coordinators_only_another_centers(
    client_for, cast
):
    from tests.training.factories import make_event

    make_event(cast.center1, when=(2099, 12, 23, 18, 30), title="多職種連携研修会")
    joint = make_event(cast.center2, when=(2099, 12, 24, 18, 30), title="合同研修会")
    joint.co_host_centers.add(cast.center1)
    html = client_for("admin").get("/").content.decode()
    assert "多職種連携研修会</a> <small data-event-center>（東センター）</small>" in html
    assert "合同研修会</a> <small data-event-center>（西センター、東センター）</small>" in html
    # East's coordinator: its own event with no center named (its state badge follows the title
    # straight away), the one West holds with it named.
    html = client_for("coordinator").get("/").content.decode()
    assert re.search(r'多職種連携研修会</a>\s*<span class="badge[^"]*" data-event-state=', html)
    assert "合同研修会</a> <small data-event-center>（西センター、東センター）</small>" in html


def test_the_main_menu_marks_one_item_the_most_specific(client_for):
    """研修・イベント (/training/) and 市民公開講座 (/training/public/): on the public page only the
    latter is current; home is never current elsewhere."""
    import re

    html = client_for("professional").get("/training/public/").content.decode()
    nav = re.search(r'<nav class="site-nav" aria-label="メインメニュー">.*?</nav>', html, re.S).group(0)
    assert re.findall(r'aria-current="page">([^<]*)<', nav) == ["市民公開講座"]
