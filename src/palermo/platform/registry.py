"""Where modules plug in: navigation, home cards and panels of a State's profile.

Each app registers its entries from its ``module.py`` (imported by its ``AppConfig.ready``);
the site's header, home page and State profile show whatever is registered, so the platform
and core name no module. Importers, exports, search providers and policies have registries of
their own beside their mechanisms (``imports``, ``exports``, ``search``, ``policies``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    order: int = 100
    #: A django-rules permission the user needs to see the entry (none: everyone).
    permission: str | None = None


@dataclass(frozen=True)
class HomeCard:
    title: str
    text: str
    url_name: str
    order: int = 100


@dataclass(frozen=True)
class ProfilePanel:
    """A section of a State's profile page.

    ``context(request, participant)`` returns the template's context, or ``None`` to leave the
    panel out for this user or State; ``template`` renders it (without page chrome).
    """

    key: str
    title: str
    template: str
    context: Callable
    order: int = 100


@dataclass(frozen=True)
class DataLoader:
    """Reference data or demo content a module ships.

    ``load(progress)`` loads it (safe to repeat) and returns ``(summary, notes)``: one line
    saying what was loaded, and any notes about it (partial data, discrepancies).
    """

    key: str
    load: Callable
    order: int = 100


NAV: list[NavItem] = []
REFERENCE_LOADERS: list[DataLoader] = []
DEMO_LOADERS: list[DataLoader] = []
HOME_CARDS: list[HomeCard] = []
PROFILE_PANELS: dict[str, ProfilePanel] = {}


def register_nav(*items: NavItem) -> None:
    NAV.extend(items)
    NAV.sort(key=lambda item: item.order)


def register_home_card(card: HomeCard) -> None:
    HOME_CARDS.append(card)
    HOME_CARDS.sort(key=lambda c: c.order)


def register_profile_panel(panel: ProfilePanel) -> None:
    PROFILE_PANELS[panel.key] = panel


def register_reference_data(loader: DataLoader) -> None:
    REFERENCE_LOADERS.append(loader)
    REFERENCE_LOADERS.sort(key=lambda item: item.order)


def register_demo_content(loader: DataLoader) -> None:
    DEMO_LOADERS.append(loader)
    DEMO_LOADERS.sort(key=lambda item: item.order)


def _may(user, permission: str) -> bool:
    """A policy's permission straight from django-rules (no trip through the model backend's
    permission tables on every page); any other permission as Django checks it."""
    import rules

    if rules.perm_exists(permission):
        return rules.has_perm(permission, user)
    return user.has_perm(permission)


def nav_for(request) -> list[dict]:
    user, path = request.user, request.path
    entries = []
    for item in NAV:
        if item.permission and not _may(user, item.permission):
            continue
        url = reverse(item.url_name)
        entries.append({"url": url, "label": item.label, "active": path.startswith(url)})
    return entries


def home_cards() -> list[dict]:
    return [
        {"title": card.title, "text": card.text, "url": reverse(card.url_name)}
        for card in HOME_CARDS
    ]


@dataclass
class RenderedPanel:
    key: str
    title: str
    template: str
    context: dict = field(default_factory=dict)


def profile_panels(request, participant) -> list[RenderedPanel]:
    panels = []
    for panel in sorted(PROFILE_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request, participant)
        if context is not None:
            panels.append(RenderedPanel(panel.key, str(panel.title), panel.template, context))
    return panels
