from django.conf import settings
from django.urls import reverse

from coordination import dashboard


def portal(request):
    items = []
    for item in dashboard.nav_for(request.user):
        url = reverse(item.url_name)
        items.append({"label": item.label, "url": url, "active": request.path.startswith(url) and url != "/"})
    return {
        "nav_items": items,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
