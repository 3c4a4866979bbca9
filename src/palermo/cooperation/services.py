"""Cooperation's writes: a request's life from draft to execution, its events, documents,
related requests and sharing, the reminders, and the statistics per counterpart State.

Every write takes a keyword-only ``acting_user``, checks the request's policy
(``policies.RequestPolicy``) and runs in one transaction under the audit trail. The page, the
API and ``palermo cooperation`` call these functions and nothing else.

Statuses. An outgoing request starts as a draft, is finalised once the completeness rules let
it (``finalise``), and is then sent. An incoming request is recorded when it arrives, with the
status "sent" (sent by the counterpart, received by us) and the day it was received; from there
both directions follow the same ``TRANSITIONS``.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.core.choices import Role
from palermo.core.models import Participant, RoleAssignment, User
from palermo.platform import actors
from palermo.platform.audit import audited
from palermo.platform.grants import grant, revoke
from palermo.platform.models import Grant
from palermo.platform.notifications import notify
from palermo.platform.policies import policy_for, restrict

from . import context, rules
from .models import Direction, Document, Event, Request, Status
from .policies import EDITOR, OWNER, SHARE_ROLES, VIEWER, own_authority

#: Statuses after which nothing more happens to a request.
CLOSED = (Status.EXECUTED, Status.REFUSED, Status.WITHDRAWN)
#: Statuses of a request still under way (a draft included: its deadline may be near).
OPEN = tuple(s for s in Status.values if s not in CLOSED)

#: Each status and the statuses a request may go to from it.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.SENT, Status.WITHDRAWN),
    Status.SENT: (
        Status.ACKNOWLEDGED,
        Status.UNDER_EXECUTION,
        Status.PARTLY_EXECUTED,
        Status.EXECUTED,
        Status.REFUSED,
        Status.WITHDRAWN,
    ),
    Status.ACKNOWLEDGED: (
        Status.UNDER_EXECUTION,
        Status.PARTLY_EXECUTED,
        Status.EXECUTED,
        Status.REFUSED,
        Status.WITHDRAWN,
    ),
    Status.UNDER_EXECUTION: (
        Status.PARTLY_EXECUTED,
        Status.EXECUTED,
        Status.REFUSED,
        Status.WITHDRAWN,
    ),
    Status.PARTLY_EXECUTED: (
        Status.UNDER_EXECUTION,
        Status.EXECUTED,
        Status.REFUSED,
        Status.WITHDRAWN,
    ),
    Status.EXECUTED: (),
    Status.REFUSED: (),
    Status.WITHDRAWN: (),
}

#: Article 18(21)(a)–(d), and a ground the Convention does not list.
REFUSAL_GROUNDS = {
    "a": gettext_lazy("18(21)(a): the request is not made in conformity with article 18"),
    "b": gettext_lazy(
        "18(21)(b): execution is likely to prejudice sovereignty, security, ordre public or "
        "other essential interests"
    ),
    "c": gettext_lazy(
        "18(21)(c): domestic law would prohibit the action for a similar offence of its own"
    ),
    "d": gettext_lazy("18(21)(d): granting it would be contrary to the legal system"),
    "other": gettext_lazy("Another ground, not listed in article 18(21)"),
}

#: Remind when the deadline is passed or this close.
DEADLINE_DAYS = 14
#: Remind when the counterpart has not acknowledged a request for this long.
SILENCE_DAYS = 30
#: Do not remind of the same request again within this many days.
REMIND_EVERY_DAYS = 7


class NotFinalisable(Exception):
    """The completeness rules stop the request: ``report.blocking`` says what to complete."""

    def __init__(self, report: rules.Report):
        self.report = report
        codes = ", ".join(f.code for f in report.blocking)
        super().__init__(_("The request cannot be finalised: %(codes)s.") % {"codes": codes})


class TransitionError(ValueError):
    """A status change the request's life does not allow; the message says from what to what
    and why."""


def _require(user, action: str, obj=None) -> None:
    policy_for(Request).require(user, action, obj)


def _user_id(user):
    return user.pk if getattr(user, "pk", None) else None


def _label(status: str) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return status


# Creating and writing --------------------------------------------------------------------


def _next_reference(authority, year: int) -> str:
    prefix = f"{authority.participant.code}-{year}-"
    taken = Request.objects.filter(authority=authority, reference__startswith=prefix)
    numbers = [
        int(ref[len(prefix) :])
        for ref in taken.values_list("reference", flat=True)
        if ref[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def create_request(
    *,
    acting_user,
    authority,
    direction,
    kind,
    title,
    requesting_state,
    requested_state,
    reference="",
    counterpart_authority=None,
    content=None,
    language="",
    received_on=None,
    sent_on=None,
    deadline=None,
    is_demo=False,
) -> Request:
    """Open a request kept by ``authority`` (which must be one of the acting practitioner's
    State). An outgoing request starts as a draft — or, with ``sent_on``, is recorded as sent
    outside Palermo on that day (its text is not here, so there is nothing to finalise); an
    incoming one is recorded as received (status "sent", ``received_on`` today unless given).
    The creator becomes its owner."""
    if acting_user is None:
        raise PermissionDenied(actors.NO_ACTOR_MESSAGE)
    _require(acting_user, "add")
    if direction not in Direction.values:
        raise ValidationError(
            _("direction: %(value)r is not outgoing or incoming.") % {"value": direction}
        )
    content = dict(content or {})
    described = rules.read_request(content) if content else None  # RequestError names the field
    today = timezone.localdate()
    incoming = direction == Direction.INCOMING
    sent_outside = not incoming and sent_on is not None
    if sent_outside and sent_on > today:
        raise ValidationError({"sent_on": _("The day it was sent is still to come.")})
    request = Request(
        reference=(reference or "").strip(),
        title=title,
        direction=direction,
        kind=kind,
        authority=authority,
        counterpart_authority=counterpart_authority,
        requesting_state=requesting_state,
        requested_state=requested_state,
        content=content,
        language=language or content.get("language", "") or "",
        status=Status.SENT if incoming or sent_outside else Status.DRAFT,
        received_on=(received_on or today) if incoming else received_on,
        sent_on=sent_on if sent_outside else None,
        deadline=deadline or (described.deadline if described else None),
        created_by=acting_user if _user_id(acting_user) else None,
        is_demo=is_demo,
    )
    if not actors.is_system(acting_user) and not own_authority.test(acting_user, request):
        raise PermissionDenied(
            _("You can record requests only for an authority of the State you act for.")
        )
    with transaction.atomic(), audited(acting_user):
        if not request.reference:
            day = request.received_on or request.sent_on or today
            request.reference = _next_reference(authority, day.year)
        request.full_clean()
        request.save()
        if _user_id(acting_user) and not actors.is_system(acting_user):
            grant(request, to=acting_user, role=OWNER, acting_user=acting_user, first=True)
        Event.objects.create(
            request=request,
            on=request.received_on if incoming else (request.sent_on or today),
            status=request.status,
            note=_("Received.")
            if incoming
            else (_("Sent outside Palermo.") if sent_outside else _("Created.")),
            created_by=request.created_by,
        )
    return request


def save_draft(request: Request, *, content: dict, step: str = "", acting_user) -> Request:
    """Save what the writer holds: the content (checked by ``rules.read_request``, whose
    ``RequestError`` names the field) and the step. The kind, language, deadline and requested
    State follow the content; a finalised request must be finalised again once it changes."""
    _require(acting_user, "change", request)
    described = rules.read_request(content)
    with transaction.atomic(), audited(acting_user):
        changed = content != request.content
        request.content = content
        request.step = step or request.step
        # What the content leaves out stays as it was (the form's defaults are not choices).
        if "kind" in content:
            request.kind = described.kind
        if "language" in content:
            request.language = described.language
        if "deadline" in content:
            request.deadline = described.deadline
        if described.requested_state:
            state = Participant.objects.filter(code=described.requested_state.upper()).first()
            if state is None:
                raise rules.RequestError(
                    "requested_state", f"no State with the code {described.requested_state!r}"
                )
            request.requested_state = state
        if changed and request.finalised:
            request.finalised = None
        request.save()
    return request


def check(request: Request, *, user, on=None) -> rules.Report:
    """The completeness rules on the request as written, against the requested State as
    ``user`` may see it in Treaties and the Directory."""
    _require(user, "view", request)
    content = request.content or {}
    described = rules.read_request(content)
    if "kind" not in content:
        described.kind = request.kind
    code = described.requested_state or request.requested_state.code
    requested = context.requested(code, described.kind, user, on)
    return rules.check(described, requested)


def finalise(request: Request, *, acting_user, on=None) -> rules.Report:
    """Mark the request final when the rules allow it; ``NotFinalisable`` otherwise."""
    _require(acting_user, "change", request)
    report = check(request, user=acting_user, on=on)
    if not report.finalisable:
        raise NotFinalisable(report)
    with transaction.atomic(), audited(acting_user):
        request.finalised = timezone.now()
        request.save(update_fields=["finalised", "updated"])
        Event.objects.create(
            request=request,
            on=on or timezone.localdate(),
            note=_("Finalised: ready for signature."),
            created_by=acting_user if _user_id(acting_user) else None,
        )
    return report


# Status --------------------------------------------------------------------------------


def _refusal(request: Request, status: str, grounds) -> list[str]:
    grounds = [str(g).strip().lower() for g in (grounds or ()) if str(g).strip()]
    if status != Status.REFUSED:
        if grounds:
            raise TransitionError(
                _("%(ref)s: grounds for refusal go only with the status Refused.")
                % {"ref": request.reference}
            )
        return []
    if not grounds:
        raise TransitionError(
            _(
                "%(ref)s: a refusal needs its grounds under article 18(21): one or more of "
                "a, b, c, d, other."
            )
            % {"ref": request.reference}
        )
    unknown = [g for g in grounds if g not in REFUSAL_GROUNDS]
    if unknown:
        raise TransitionError(
            _("%(ref)s: %(grounds)s: not a ground of article 18(21) (a, b, c, d, other).")
            % {"ref": request.reference, "grounds": ", ".join(unknown)}
        )
    return sorted(set(grounds), key=list(REFUSAL_GROUNDS).index)


def transition(
    request: Request, status: str, *, acting_user, on: date, note: str = "", grounds=()
) -> Event:
    """Move the request to ``status`` on the day ``on``, recording an event.

    ``TransitionError`` says from what to what and why not: a closed request is final, an
    outgoing draft is sent only once finalised, a refusal names its grounds (article 18(21))."""
    _require(acting_user, "change", request)
    current = request.status
    if status not in Status.values:
        raise TransitionError(
            _("%(ref)s: %(status)r is not a status (%(known)s).")
            % {"ref": request.reference, "status": status, "known": ", ".join(Status.values)}
        )
    if not isinstance(on, date):
        raise TransitionError(
            _("%(ref)s: give the date (YYYY-MM-DD).") % {"ref": request.reference}
        )
    allowed = TRANSITIONS.get(current, ())
    if status not in allowed:
        if not allowed:
            why = _("a request that is %(from)s is closed.") % {"from": _label(current)}
        else:
            why = _("from %(from)s it can go to: %(next)s.") % {
                "from": _label(current),
                "next": ", ".join(_label(s) for s in allowed),
            }
        raise TransitionError(
            _("%(ref)s cannot go from %(from)s to %(to)s: %(why)s")
            % {
                "ref": request.reference,
                "from": _label(current),
                "to": _label(status),
                "why": why,
            }
        )
    if (
        current == Status.DRAFT
        and status == Status.SENT
        and request.direction == Direction.OUTGOING
        and not request.finalised
    ):
        raise TransitionError(
            _(
                "%(ref)s cannot go from Draft to Sent: finalise it first (the completeness "
                "rules must let it go)."
            )
            % {"ref": request.reference}
        )
    start = request.sent_on or request.received_on
    if status != Status.SENT and start and on < start:
        raise TransitionError(
            _("%(ref)s: %(on)s is before the request was sent or received (%(start)s).")
            % {"ref": request.reference, "on": on.isoformat(), "start": start.isoformat()}
        )
    grounds = _refusal(request, status, grounds)
    with transaction.atomic(), audited(acting_user):
        request.status = status
        fields = ["status", "updated"]
        if status == Status.SENT:
            request.sent_on = on
            fields.append("sent_on")
        if status == Status.ACKNOWLEDGED or (
            status in (Status.UNDER_EXECUTION, Status.PARTLY_EXECUTED)
            and not request.acknowledged_on
        ):
            request.acknowledged_on = on
            fields.append("acknowledged_on")
        if status in CLOSED:
            request.closed_on = on
            fields.append("closed_on")
        if status == Status.REFUSED:
            request.refusal_grounds = grounds
            fields.append("refusal_grounds")
        request.save(update_fields=fields)
        return Event.objects.create(
            request=request,
            on=on,
            status=status,
            note=note,
            created_by=acting_user if _user_id(acting_user) else None,
        )


# Notes, documents, related requests -------------------------------------------------------


def add_note(request: Request, note: str, *, acting_user, on: date) -> Event:
    _require(acting_user, "change", request)
    if not (note or "").strip():
        raise ValidationError(_("note: write the note."))
    with transaction.atomic(), audited(acting_user):
        return Event.objects.create(
            request=request,
            on=on,
            note=note.strip(),
            created_by=acting_user if _user_id(acting_user) else None,
        )


def add_document(request: Request, *, title, way, on, file=None, acting_user) -> Document:
    """Record a document sent or received about the request (the file is optional)."""
    _require(acting_user, "change", request)
    document = Document(
        request=request,
        title=(title or "").strip(),
        way=way,
        on=on,
        created_by=acting_user if _user_id(acting_user) else None,
    )
    if file is not None:
        document.file = file
    document.full_clean()
    with transaction.atomic(), audited(acting_user):
        document.save()
    return document


def relate(request: Request, other: Request, *, acting_user) -> None:
    """Link two requests (a request and its follow-up, an extradition and the MLA behind it):
    the user must be able to change the first and to see the second."""
    _require(acting_user, "change", request)
    _require(acting_user, "view", other)
    if other.pk == request.pk:
        raise ValidationError(_("A request cannot be related to itself."))
    with transaction.atomic(), audited(acting_user):
        request.related.add(other)


# Sharing --------------------------------------------------------------------------------


def _check_role(role: str) -> None:
    if role not in SHARE_ROLES:
        raise ValidationError(
            _("role: %(role)r: share as %(roles)s.")
            % {"role": role, "roles": " or ".join(SHARE_ROLES)}
        )


def share(request: Request, *, to, role: str, acting_user) -> Grant:
    """Let ``to`` (a person, or a ``Group`` standing for another authority) see the request
    (``viewer``) or also change it (``editor``). Sharing twice changes nothing."""
    _check_role(role)
    _require(acting_user, "share", request)
    holder = {"group": to} if isinstance(to, Group) else {"user": to}
    existing = Grant.objects.on(request).filter(role=role, **holder).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        item = grant(request, to=to, role=role, acting_user=acting_user)
        if isinstance(to, User):
            notify(
                [to],
                title=gettext_lazy("A request was shared with you: %(ref)s"),
                body=gettext_lazy("%(who)s shared the request %(ref)s with you (%(role)s)."),
                params={
                    "ref": request.reference,
                    "who": acting_user.get_full_name() or acting_user.username,
                    "role": role,
                },
                url=_request_url(request),
                sender=acting_user,
            )
    return item


def unshare(request: Request, *, to, role: str, acting_user) -> int:
    _check_role(role)
    _require(acting_user, "share", request)
    return revoke(request, to=to, role=role, acting_user=acting_user)


def shares(request: Request) -> list[Grant]:
    """Who holds the request besides its State's practitioners: its owner (the creator) and
    the people and groups it is shared with, as ``Grant`` rows (``user`` or ``group``,
    ``role``)."""
    return list(
        Grant.objects.on(request)
        .filter(role__in=(OWNER, EDITOR, VIEWER))
        .select_related("user", "group", "granted_by")
        .order_by("role", "pk")
    )


# Reminders ------------------------------------------------------------------------------


def _request_url(request: Request) -> str:
    for name, args in (("cooperation:request", [request.pk]), ("cooperation:log", [])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""


def _why(request: Request, today: date) -> str:
    if request.deadline and request.deadline < today:
        return _("deadline passed on %(day)s") % {"day": request.deadline.isoformat()}
    if request.deadline and request.deadline <= today + timedelta(days=DEADLINE_DAYS):
        return _("deadline on %(day)s") % {"day": request.deadline.isoformat()}
    start = request.sent_on or request.received_on
    return _("not acknowledged since %(day)s") % {"day": start.isoformat() if start else "?"}


def due_reminders(today: date) -> list[Request]:
    """Open requests to remind their keepers of: a deadline passed or within
    ``DEADLINE_DAYS``, or sent (or received) and not acknowledged after ``SILENCE_DAYS`` —
    at most once every ``REMIND_EVERY_DAYS`` per request."""
    near = today + timedelta(days=DEADLINE_DAYS)
    silent_since = today - timedelta(days=SILENCE_DAYS)
    silent = Q(status=Status.SENT, acknowledged_on__isnull=True) & (
        Q(direction=Direction.OUTGOING, sent_on__lte=silent_since)
        | Q(direction=Direction.INCOMING, received_on__lte=silent_since)
    )
    rested = Q(reminded_on__isnull=True) | Q(
        reminded_on__lte=today - timedelta(days=REMIND_EVERY_DAYS)
    )
    return list(
        Request.objects.filter(status__in=OPEN)
        .filter(Q(deadline__lte=near) | silent)
        .filter(rested)
        .select_related("authority__participant", "requesting_state", "requested_state")
        .order_by("authority__participant__code", "deadline", "reference")
    )


def _practitioners(participant_ids) -> dict[int, list]:
    """The active central-authority practitioners of each State, in one query."""
    by_state = defaultdict(list)
    for assignment in (
        RoleAssignment.objects.filter(
            role=Role.PRACTITIONER, participant_id__in=participant_ids, user__is_active=True
        )
        .select_related("user")
        .order_by("user__username")
    ):
        by_state[assignment.participant_id].append(assignment.user)
    return by_state


def send_reminders(*, acting_user, today: date | None = None) -> dict:
    """Remind the practitioners of each keeping authority's State of its requests that are
    due (``due_reminders``): one notification per State and practitioner listing them, an
    event on each request, and ``reminded_on`` set. A person (not the system actor) reminds
    only of the requests they may change."""
    if acting_user is None or not (
        getattr(acting_user, "is_authenticated", False) or actors.is_system(acting_user)
    ):
        raise PermissionDenied(actors.NO_ACTOR_MESSAGE)
    today = today or timezone.localdate()
    due = due_reminders(today)
    if not actors.is_system(acting_user):
        allowed = set(
            restrict(
                Request.objects.filter(pk__in=[r.pk for r in due]), acting_user, "change"
            ).values_list("pk", flat=True)
        )
        due = [r for r in due if r.pk in allowed]
    by_state: dict[int, list[Request]] = defaultdict(list)
    for request in due:
        by_state[request.authority.participant_id].append(request)
    recipients = _practitioners(list(by_state))
    report = {"today": today.isoformat(), "states": [], "requests": 0}
    with transaction.atomic(), audited(acting_user):
        for state_id, requests in by_state.items():
            people = recipients.get(state_id, [])
            lines = "; ".join(f"{r.reference} ({_why(r, today)})" for r in requests)
            sent = notify(
                people,
                title=gettext_lazy("Cooperation: %(n)s request(s) need attention"),
                body=gettext_lazy("Deadlines and silent counterparts: %(requests)s."),
                params={"n": len(requests), "requests": lines},
                url=_request_url(requests[0]) if len(requests) == 1 else _log_url(),
                sender=None,
            )
            Request.objects.filter(pk__in=[r.pk for r in requests]).update(reminded_on=today)
            Event.objects.bulk_create(
                Event(
                    request=r,
                    on=today,
                    note=_("Reminder sent: %(why)s.") % {"why": _why(r, today)},
                    created_by=acting_user if _user_id(acting_user) else None,
                )
                for r in requests
            )
            report["states"].append(
                {
                    "state": requests[0].authority.participant.code,
                    "requests": [r.reference for r in requests],
                    "recipients": sorted(u.username for u in people),
                    "notified": sent,
                }
            )
            report["requests"] += len(requests)
    return report


def _log_url() -> str:
    try:
        return reverse("cooperation:log")
    except NoReverseMatch:
        return ""


# Statistics -----------------------------------------------------------------------------


def counterpart_stats(user, *, direction=None) -> list[dict]:
    """Per counterpart State, over the requests ``user`` may see: how many, how many open,
    executed, refused, withdrawn, the median days from sending (or receipt) to execution, and
    the refusals by ground of article 18(21). Two queries, whatever the number of requests."""
    rows = restrict(Request.objects.all(), user)
    if direction:
        rows = rows.filter(direction=direction)
    stats: dict[int, dict] = {}
    days: dict[int, list[int]] = defaultdict(list)
    for row in rows.values_list(
        "direction",
        "requested_state_id",
        "requesting_state_id",
        "status",
        "sent_on",
        "received_on",
        "closed_on",
        "refusal_grounds",
    ).order_by():
        way, requested, requesting, status, sent_on, received_on, closed_on, grounds = row
        counterpart = requested if way == Direction.OUTGOING else requesting
        item = stats.setdefault(
            counterpart,
            {
                "total": 0,
                "open": 0,
                "executed": 0,
                "refused": 0,
                "withdrawn": 0,
                "refusals_by_ground": {},
            },
        )
        item["total"] += 1
        if status in OPEN:
            item["open"] += 1
        elif status in ("executed", "refused", "withdrawn"):
            item[status] += 1
        start = sent_on if way == Direction.OUTGOING else received_on
        start = start or sent_on or received_on
        if status == Status.EXECUTED and start and closed_on:
            days[counterpart].append((closed_on - start).days)
        if status == Status.REFUSED:
            for ground in grounds or []:
                item["refusals_by_ground"][ground] = item["refusals_by_ground"].get(ground, 0) + 1
    states = {p.pk: p for p in Participant.objects.filter(pk__in=list(stats))}
    result = []
    for pk, item in stats.items():
        state = states[pk]
        spans = days.get(pk)
        result.append(
            {
                "code": state.code,
                "name": state.localized_name,
                **item,
                "median_days_to_execution": statistics.median(spans) if spans else None,
            }
        )
    result.sort(key=lambda r: (-r["total"], r["code"]))
    return result
