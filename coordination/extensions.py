"""Panels a later app adds to a page of an earlier app, by named slot.

An earlier app never imports a later one, yet its pages show their data: the facility page
shows how often the facility accepted 連絡調整 (consultations), the consultation page offers
「課題として起票」 (meetings), an event page lists the 解決策 it carried out (meetings). The
later app registers a panel for a slot from its AppConfig.ready(); the earlier app's view asks
for the slot's panels and its template includes them."""

_panels: dict[str, list] = {}


def register(slot, template, context, roles):
    """context(request, obj) -> dict; shown on `slot` pages to users whose role is in `roles`."""
    panels = _panels.setdefault(slot, [])
    if any(p[0] == template for p in panels):
        return
    panels.append((template, context, tuple(roles)))


def panels(slot, request, obj):
    user = request.user
    if not user.is_authenticated:
        return []
    return [
        {"template": template, **context(request, obj)}
        for template, context, roles in _panels.get(slot, [])
        if user.role in roles
    ]


# Pages opened by a private link, without an account (a facility's update link): the panel is
# shown to whoever holds the link, and its context decides from the object alone (None: nothing
# to show). Kept apart from `panels`, which shows nothing to a visitor who is not signed in.
_link_panels: dict[str, list] = {}


def register_for_link(slot, template, context):
    """context(request, obj) -> dict or None; shown on `slot` pages opened by a private link."""
    panels = _link_panels.setdefault(slot, [])
    if any(p[0] == template for p in panels):
        return
    panels.append((template, context))


def link_panels(slot, request, obj):
    out = []
    for template, context in _link_panels.get(slot, []):
        values = context(request, obj)
        if values is not None:
            out.append({"template": template, **values})
    return out


# Lines a later app adds to each row of an earlier app's list page (the directory's search
# results: rota's 「後方支援病床 今日2床」 on a hospital's card). The context is asked once for the
# whole page, with the ids of its rows, and answers only for the rows it has something for: one
# query per page however many rows, where a per-row panel would cost one query per row.
_annotations: dict[str, list] = {}


def register_annotations(slot, template, context, roles):
    """context(request, ids) -> {id: dict}; each dict is shown with `template` on its row of
    `slot` list pages, to users whose role is in `roles` (never to a visitor not signed in)."""
    annotations = _annotations.setdefault(slot, [])
    if any(a[0] == template for a in annotations):
        return
    annotations.append((template, context, tuple(roles)))


def annotations(slot, request, ids):
    """{id: [{"template": ..., **values}]} for the rows of `slot` that some annotation answers;
    without ids or a role that gets one, nothing is asked of the database."""
    user = request.user
    ids = list(ids)
    out: dict = {}
    if not ids or not user.is_authenticated:
        return out
    for template, context, roles in _annotations.get(slot, []):
        if user.role not in roles:
            continue
        for pk, values in context(request, ids).items():
            out.setdefault(pk, []).append({"template": template, **values})
    return out


# Query parameters that a later app's panels and row lines read on an earlier app's page, and
# that the page keeps through its own form and links (the directory search keeps `consultation`:
# a coordinator who came from a consultation is offered 「この相談に記録」 on each result until
# they leave the search, however they change its conditions).
_carried: dict[str, list] = {}


def register_carried(slot, name):
    names = _carried.setdefault(slot, [])
    if name not in names:
        names.append(name)


def carried(slot, request):
    """[(name, value)] of the `slot` page's carried parameters that this request has."""
    if not request.user.is_authenticated:
        return []
    return [(name, request.GET[name]) for name in _carried.get(slot, ()) if request.GET.get(name)]
