"""What the Library plugs into the platform: its navigation entry, home card, State-profile
panel, and its reference data (vocabularies, real legislation) and demo content."""

from django.utils.translation import gettext_lazy as _

from palermo.platform.registry import (
    DataLoader,
    HomeCard,
    NavItem,
    ProfilePanel,
    register_demo_content,
    register_home_card,
    register_nav,
    register_profile_panel,
    register_reference_data,
)

register_nav(NavItem("library:home", _("Library"), order=20))

register_home_card(
    HomeCard(
        title=_("Library"),
        text=_(
            "National legislation, provision by provision, tagged with the articles it "
            "implements; case law, bibliography and national strategies. Searchable in every "
            "language, exportable in bulk."
        ),
        url_name="library:home",
        order=20,
    )
)


def _panel(request, participant):
    """The Library's part of a State's profile: its published records by kind (and, for who
    may see them, its drafts), with links to each list filtered on the State."""
    from django.urls import reverse

    from .choices import RecordKind, RecordStatus
    from .queries import records

    counts, drafts = [], 0
    list_names = {
        RecordKind.LEGISLATION: "library:legislation",
        RecordKind.CASE: "library:cases",
        RecordKind.BIBLIOGRAPHY: "library:bibliography",
        RecordKind.STRATEGY: "library:strategies",
    }
    latest = []
    for kind in RecordKind:
        rows = records(request.user, kind.value).filter(participant=participant)
        published = rows.filter(status=RecordStatus.PUBLISHED)
        counts.append(
            {
                "kind": kind,
                "label": kind.label,
                "count": published.count(),
                "url": f"{reverse(list_names[kind])}?state={participant.code}",
            }
        )
        drafts += rows.exclude(status=RecordStatus.PUBLISHED).count()
        latest += list(published.order_by("-published_at", "-pk")[:3])
    latest.sort(key=lambda r: (r.published_at is not None, r.published_at), reverse=True)
    return {
        "counts": counts,
        "drafts": drafts,
        "latest": latest[:5],
        "search_url": f"{reverse('library:search')}?state={participant.code}",
    }


register_profile_panel(
    ProfilePanel(
        key="library",
        title=_("Library"),
        template="library/panels/participant.html",
        context=_panel,
        order=20,
    )
)


def _reference(progress):
    from .demo import load_real_legislation
    from .reference import load_vocabularies

    loaded = load_vocabularies()
    laws, notes = load_real_legislation(progress)
    summary = (
        f"{loaded['crime_types']} crime types, {loaded['issues']} cross-cutting issues, "
        f"{laws} laws with real texts"
    )
    return summary, [*loaded["notes"], *notes]


def _demo(progress):
    from .demo import load_demo

    count, notes = load_demo(progress)
    return f"{count} fictional Library records", notes


# After the treaties (the articles provisions are tagged with).
register_reference_data(DataLoader("library", _reference, order=20))
register_demo_content(DataLoader("library", _demo, order=20))
