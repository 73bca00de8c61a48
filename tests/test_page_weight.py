"""Every page ≤ 200 KB transferred (map tiles excluded) and no request to any other host.

The live test server sends files uncompressed; in production whitenoise serves the gzip file
that collectstatic wrote (CompressedManifestStaticFilesStorage) and gunicorn's HTML is small. So a
response counts here as its gzip size, which is what production sends to a browser that accepts it."""

import gzip
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import login
from tests.fixtures import world
from tests.test_url_walker import EXPECTED

pytestmark = [pytest.mark.browser, pytest.mark.markup, pytest.mark.django_db(transaction=True)]
LIMIT = 200 * 1024
TILE_HOST = urlsplit(settings.MAP_TILE_URL.replace("{", "").replace("}", "")).hostname


def test_every_page_is_light_and_loads_nothing_from_another_host(page, cast):
    from resources.models import Facility
    from tests.resources.factories import make_facility

    w = world(cast)
    for i in range(30):  # a full first page of results on the map
        make_facility(f"在宅クリニック{i}", area=cast.ward1, latitude=33.88 + i / 1000, longitude=130.87)
    assert Facility.objects.count() > 25
    own = urlsplit(page.base_url).netloc
    weights, foreign, heaviest = {}, [], (0, "")
    packed = {}  # body → its gzip size: the same stylesheet and scripts come with every page

    def on_response(response):
        host = urlsplit(response.url).netloc
        if urlsplit(response.url).hostname == TILE_HOST:
            return
        if host != own:
            foreign.append(response.url)
            return
        try:
            body = response.body()
        except Exception:  # a redirect has no body
            body = b""
        if body not in packed:
            packed[body] = len(gzip.compress(body))
        weights[response.url] = packed[body] + 300  # + headers, roughly

    def on_failed(request):
        # A request of our own cut short by the next navigation is not a leak; another host's is.
        if urlsplit(request.url).netloc != own and urlsplit(request.url).hostname != TILE_HOST:
            foreign.append(request.url)

    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    for role in ("anonymous", "admin", "coordinator", "professional", "official"):
        if role != "anonymous":
            page.context.clear_cookies()
            login(page, role)
        for name, expect in sorted(EXPECTED.items()):
            if expect.statuses.get(role) != 200 or "export" in name or not expect.page:
                continue
            weights.clear()
            url = reverse(name, kwargs=expect.kwargs(w)) + expect.query
            response = page.goto(page.base_url + url)
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            total = sum(weights.values())
            heaviest = max(heaviest, (total, f"{role} {url}"))
            assert total <= LIMIT, (role, url, total, sorted(weights.items(), key=lambda kv: -kv[1])[:5])
    assert foreign == []
    print(f"heaviest page: {heaviest[1]} {heaviest[0] / 1024:.1f} KB")
