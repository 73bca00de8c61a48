"""Dashboard panels contributed by later apps.

coordination must not import resources, consultations, meetings or training, yet the home
page shows their data. Each app registers a panel in its AppConfig.ready(); the home view
renders the panels meant for the visitor's role, in `order`."""

from collections.abc import Callable
from dataclasses import dataclass

PUBLIC = "public"  # the role key for anonymous visitors


@dataclass
class Panel:
    template: str
    roles: tuple
    context: Callable  # (request) -> dict
    order: int = 50


_panels: list[Panel] = []


def register(template, roles, context, order=50):
    if any(p.template == template for p in _panels):
        return
    _panels.append(Panel(template, tuple(roles), context, order))
    _panels.sort(key=lambda p: p.order)


def panels_for(request):
    user = request.user
    role = user.role if user.is_authenticated else PUBLIC
    return [{"template": p.template, **p.context(request)} for p in _panels if role in p.roles]


@dataclass
class NavItem:
    label: str
    url_name: str
    roles: tuple
    order: int = 50


_nav: list[NavItem] = []


def register_nav(label, url_name, roles, order=50):
    if any(n.url_name == url_name for n in _nav):
        return
    _nav.append(NavItem(label, url_name, tuple(roles), order))
    _nav.sort(key=lambda n: n.order)


def nav_for(user):
    role = user.role if user.is_authenticated else PUBLIC
    return [n for n in _nav if role in n.roles]
