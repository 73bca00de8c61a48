"""The fixed cast every test uses: two centers and one user of every role.

admin         管理者
coordinator   コーディネーター of center C01
coordinator2  コーディネーター of center C02 (the "other center")
professional  専門職 (care manager)
official      市職員
"""

import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from coordination.models import Area, Center, CenterClosure, Profession, Role, User

PASSWORD = "test-pass-2026"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def ensure_reference_data():
    """Rows loaded by data migrations; a transactional (browser) test flushes them, so later
    tests load them again."""
    from consultations import reference as consultation_reference
    from consultations.models import ConsultantType, Topic
    from resources import reference as resource_reference
    from resources.models import Capability, FacilityKind, SearchSynonym, Specialty

    if not FacilityKind.objects.exists():
        resource_reference.load(FacilityKind, Capability, Specialty, SearchSynonym)
    if not Topic.objects.exists():
        consultation_reference.load(Topic, ConsultantType)
    from consultations.models import ConsultantTypeSynonym

    if not ConsultantTypeSynonym.objects.exists():
        consultation_reference.load_type_synonyms(ConsultantType, ConsultantTypeSynonym)
    from meetings import reference as meeting_reference
    from meetings.models import IssueCategory, MeetingKind
    from training import reference as training_reference
    from training.models import EventFormat, TaskTemplate, TaskTemplateItem

    if not EventFormat.objects.exists():
        training_reference.load(EventFormat, TaskTemplate, TaskTemplateItem)
    if not MeetingKind.objects.exists():
        meeting_reference.load(MeetingKind, IssueCategory)


@pytest.fixture
def cast(db):
    ensure_reference_data()
    city = Area.objects.create(name="テスト市", kind=Area.Kind.CITY, code="401005")
    ward1 = Area.objects.create(name="東区", kind=Area.Kind.WARD, parent=city, sort_order=1)
    ward2 = Area.objects.create(name="西区", kind=Area.Kind.WARD, parent=city, sort_order=2)
    daily1 = Area.objects.create(name="東北圏域", kind=Area.Kind.DAILY, parent=ward1)
    center1 = Center.objects.create(code="C01", name="東センター", sort_order=1)
    center2 = Center.objects.create(code="C02", name="西センター", sort_order=2)
    center1.areas.set([ward1])
    center2.areas.set([ward2])
    CenterClosure.objects.create(center=center1, start_month=8, start_day=13, end_month=8, end_day=15)
    CenterClosure.objects.create(center=center1, start_month=12, start_day=29, end_month=1, end_day=3)
    CenterClosure.objects.create(center=center2, start_month=12, start_day=29, end_month=1, end_day=3)
    nurse = Profession.objects.create(name="看護師", sort_order=4)
    cm = Profession.objects.create(name="介護支援専門員", short_name="ケアマネ", sort_order=6)

    def user(username, role, center=None, profession=None):
        u = User(
            username=username,
            role=role,
            center=center,
            profession=profession,
            last_name=username,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        u.set_password(PASSWORD)
        u.save()
        return u

    return SimpleNamespace(
        city=city,
        ward1=ward1,
        ward2=ward2,
        daily1=daily1,
        center1=center1,
        center2=center2,
        nurse=nurse,
        care_manager=cm,
        admin=user("admin", Role.ADMIN),
        coordinator=user("coordinator", Role.COORDINATOR, center1, nurse),
        coordinator2=user("coordinator2", Role.COORDINATOR, center2, nurse),
        professional=user("professional", Role.PROFESSIONAL, None, cm),
        official=user("official", Role.OFFICIAL),
    )


ROLES = ("anonymous", "admin", "coordinator", "coordinator2", "professional", "official")


@pytest.fixture
def client_for(cast, client):
    """client_for("coordinator") → a test client signed in as that cast member."""
    from django.test import Client

    def make(role):
        if role == "anonymous":
            return Client()
        c = Client()
        c.force_login(getattr(cast, role))
        # The first request stamps the session (auth_started, the idle clock) and writes it;
        # query-count tests then measure pages as a signed-in user sees them all day.
        c.get("/healthz")
        return c

    return make


# --- Browser (Playwright driving Debian's Chromium; never `playwright install`) ---------


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("SKIP_BROWSER") == "1":
            pytest.skip("SKIP_BROWSER=1 and no Chromium")
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (or SKIP_BROWSER=1)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15000)
    pg = context.new_page()
    pg.base_url = live_server.url
    errors = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.js_errors = errors
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    if getattr(request.node, "rep_call", None) and request.node.rep_call.failed:
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}-failure.png"), full_page=True)
    context.close()


def login(page, username, password=PASSWORD):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def pytest_collection_modifyitems(config, items):
    """Sweeps marked `markup` check the HTML every page renders (axe, page weight, target sizes),
    which the database does not change: they run in the SQLite suite only, so that `make test`'s
    PostgreSQL suite, which runs beside it, stays within the suite's time budget."""
    from django.conf import settings

    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(
        reason="markup sweep: the SQLite suite runs it (the HTML does not depend on the database)"
    )
    for item in items:
        if "markup" in item.keywords:
            item.add_marker(skip)
