"""The mapping of a State's own offence categories to ICCS codes: paste the categories, read
the index's suggestions (ranked, each with the term that matched), confirm one code for each.

Anyone may read a State's mapping (it says how its figures are counted); its focal point and
governmental experts, and the Secretariat, record and confirm it (``OffenceMappingPolicy``).
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.core.models import Participant
from palermo.platform.access import PUBLIC, allow, declare_routes
from palermo.platform.policies import policy_for
from palermo.platform.tables import neutralise

from . import iccs, services
from .models import OffenceMapping

PER_PAGE = 50
SUGGESTIONS = 5


def _state(code: str) -> Participant:
    participant = Participant.objects.filter(code=code.upper()).first()
    if participant is None:
        raise Http404(_("No State with this code."))
    return participant


def offences(request, code):
    participant = _state(code)
    user = request.user
    policy = policy_for(OffenceMapping)
    rows = (
        OffenceMapping.objects.restrict(user)
        .filter(participant=participant)
        .select_related("iccs", "confirmed_by")
        .order_by("national_category", "pk")
    )
    status = request.GET.get("status", "")
    if status == "unconfirmed":
        rows = rows.filter(confirmed_at__isnull=True)
    elif status == "confirmed":
        rows = rows.filter(confirmed_at__isnull=False)
    if request.GET.get("format") == "csv":
        return _csv(participant, rows)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    can_edit = policy.allows(user, "add", OffenceMapping(participant=participant))
    index = iccs.loaded_index() if can_edit else None
    items = [
        {
            "mapping": m,
            "suggestions": index.rank(m.national_category, SUGGESTIONS)
            if index and not m.confirmed_at
            else [],
        }
        for m in page.object_list
    ]
    counts = OffenceMapping.objects.restrict(user).filter(participant=participant)
    return render(
        request,
        "statistics/offences.html",
        {
            "participant": participant,
            "page": page,
            "items": items,
            "status": status,
            "can_edit": can_edit,
            "total": counts.count(),
            "unconfirmed": counts.filter(confirmed_at__isnull=True).count(),
        },
    )


def _csv(participant, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="offence-mapping-{participant.code}.csv"'
    )
    out = csv.writer(response)
    out.writerow(
        [
            "state",
            "national_category",
            "iccs",
            "iccs_label",
            "suggested_by",
            "confirmed",
            "confirmed_by",
        ]
    )
    for m in rows.iterator():
        out.writerow(
            [
                participant.code,
                neutralise(m.national_category),
                m.iccs_id or "",
                m.iccs.label if m.iccs_id else "",
                neutralise(m.suggested_by),
                m.confirmed_at.date().isoformat() if m.confirmed_at else "",
                m.confirmed_by.get_username() if m.confirmed_by_id else "",
            ]
        )
    return response


@login_required
@require_POST
def offences_add(request, code):
    participant = _state(code)
    if not policy_for(OffenceMapping).allows(
        request.user, "add", OffenceMapping(participant=participant)
    ):
        raise PermissionDenied(
            _("Only the State's focal point or governmental expert, or the Secretariat.")
        )
    lines = (request.POST.get("categories") or "").splitlines()
    try:
        created = services.propose_mappings(participant, lines, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(n)s categories recorded with the index's suggestion; confirm each.")
            % {"n": len(created)},
        )
    return redirect("statistics:offences", code=participant.code)


@login_required
@require_POST
def offence_confirm(request, code, pk):
    participant = _state(code)
    mapping = get_object_or_404(
        OffenceMapping.objects.restrict(request.user), participant=participant, pk=pk
    )
    if not policy_for(OffenceMapping).allows(request.user, "confirm", mapping):
        raise PermissionDenied(
            _("Only the State's focal point or governmental expert, or the Secretariat.")
        )
    chosen = (request.POST.get("other") or request.POST.get("code") or "").strip()
    if not chosen:
        messages.error(
            request,
            _("“%(c)s”: choose an ICCS code or type one.") % {"c": mapping.national_category},
        )
        return redirect("statistics:offences", code=participant.code)
    try:
        if chosen != mapping.iccs_id:
            mapping = services.map_offence(
                participant,
                mapping.national_category,
                chosen,
                acting_user=request.user,
                suggested_by=(request.POST.get("reason") or "")[:200]
                or _("chosen by %(user)s") % {"user": request.user.get_username()},
            )
        services.confirm_mapping(mapping, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, f"“{mapping.national_category}”: " + " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("“%(c)s” counts under %(code)s.")
            % {"c": mapping.national_category, "code": mapping.iccs_id},
        )
    return redirect("statistics:offences", code=participant.code)


urlpatterns = [
    path("states/<str:code>/offences/", offences, name="offences"),
    path("states/<str:code>/offences/add/", offences_add, name="offences_add"),
    path("states/<str:code>/offences/<int:pk>/confirm/", offence_confirm, name="offence_confirm"),
]


def _sample_mapping():
    mapping, _created = OffenceMapping.objects.get_or_create(
        participant=Participant.objects.get(code="ARG"),
        national_category="Homicidio simple (matrix sample)",
        defaults={"iccs_id": None},
    )
    return {"code": "ARG", "pk": mapping.pk}


#: Who records and confirms a State's mapping: its focal point and expert, the Secretariat.
REPORTING = ("secretariat", "focal-point", "expert")
declare_routes(
    "statistics",
    {
        "offences": allow(*PUBLIC.allow, sample=lambda: {"code": "ARG"}),
        "offences_add": allow(
            *REPORTING,
            sample=lambda: {"code": "ARG"},
            method="POST",
            data={"categories": "Robo con violencia (matrix sample)"},
        ),
        "offence_confirm": allow(
            *REPORTING, sample=_sample_mapping, method="POST", data={"code": "0101"}
        ),
    },
)
