"""An official's home links to the 事業評価 (this 年度 and the last), through the dashboard
registry (meetings registers the panel; coordination's home knows nothing of meetings)."""

import re

from coordination import dashboard, dates


def evaluation_links(html):
    return dict(
        (which, href.replace("&amp;", "&"))
        for href, which in re.findall(r'<a href="([^"]+)" data-evaluation-link="([^"]+)"', html)
    )


def test_an_officials_home_links_to_this_and_last_years_evaluation(client_for):
    this = dates.fiscal_year(dates.today())
    links = evaluation_links(client_for("official").get("/").content.decode())
    assert links == {
        "this-year": f"/meetings/evaluation/?fiscal_year={this}",
        "last-year": f"/meetings/evaluation/?fiscal_year={this - 1}",
    }
    assert client_for("official").get(links["this-year"]).status_code == 200


def test_the_link_is_a_registered_panel_for_officials_and_admins_only(client_for):
    panel = next(p for p in dashboard._panels if p.template == "meetings/_dashboard_evaluation.html")
    assert set(panel.roles) == {"admin", "official"}
    for role in ("anonymous", "coordinator", "professional"):
        assert "data-evaluation-link" not in client_for(role).get("/").content.decode()
