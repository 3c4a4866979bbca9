"""What Assistance plugs into the platform: navigation, home card, the State-profile panel,
its reference data (lists, exchange rates, the 2010 working paper's facts) and demo content."""

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

register_nav(NavItem("assistance:home", _("Assistance"), order=40))

register_home_card(
    HomeCard(
        title=_("Technical assistance"),
        text=_(
            "Programmes, projects and activities traced to the priority areas the States set; "
            "needs matched to the activities that can meet them; the periodic report written "
            "from the data; IATI export and import."
        ),
        url_name="assistance:home",
        order=40,
    )
)


def _panel(request, participant):
    """A State's assistance: the needs it recorded (for who may see them) and the activities it
    benefits from."""
    from django.db.models import Count

    from .models import Activity, Need

    needs = Need.objects.restrict(request.user).filter(participant=participant)
    by_status = dict(needs.values_list("status").annotate(n=Count("pk")).order_by())
    activities = (
        Activity.objects.restrict(request.user)
        .filter(beneficiaries=participant)
        .select_related("type")
        .order_by("-start", "code")
    )
    return {
        "needs_by_status": by_status,
        "needs_total": sum(by_status.values()),
        "activities": list(activities[:5]),
        "activities_total": activities.count(),
    }


register_profile_panel(
    ProfilePanel(
        key="assistance",
        title=_("Technical assistance"),
        template="assistance/panels/participant.html",
        context=_panel,
        order=40,
    )
)


def _reference(progress):
    from .historical import load_2010
    from .reference import load_vocabularies

    counts = load_vocabularies()
    loaded, notes = load_2010(progress)
    summary = (
        f"{counts['priority_areas']} priority areas, {counts['priority_activities']} priority "
        f"activities, {counts['assistance_types']} types of assistance, "
        f"{counts['institution_types']} institution types, {counts['rates']} exchange rates; "
        f"2010 working paper: {loaded}"
    )
    return summary, notes


def _demo(progress):
    from .demo import load_demo

    count, notes = load_demo(progress)
    return f"{count} fictional assistance records", notes


# After the treaties (articles) and the Library (crime types).
register_reference_data(DataLoader("assistance", _reference, order=40))
register_demo_content(DataLoader("assistance", _demo, order=40))
