from django.conf import settings
from django.urls import reverse

from coordination import dashboard


def portal(request):
    items = [{"label": item.label, "url": reverse(item.url_name)} for item in dashboard.nav_for(request.user)]
    # The page's own item is current: of the items whose address begins the page's, the longest
    # (地域の活動 /resources/community/ rather than 医療・介護資源 /resources/ as well); home never.
    containing = [i for i in items if request.path.startswith(i["url"]) and i["url"] != "/"]
    current = max(containing, key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["active"] = item is current
    return {
        "nav_items": items,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
