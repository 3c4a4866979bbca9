"""The writer's steps as data, and the conversion between a step's form and a request's content.

A request's text is its ``content`` (the JSON form of ``rules.Request``). The writer cuts it into
steps, one per part of the request; each step edits some of its fields (``Step.fields``) and
the steps a request goes through depend on its kind: a request for mutual legal assistance
asks for the assistance sought and what particular forms of it need (videoconference, stored
data); a confiscation request what article 13(3) adds; an extradition request the person
sought and the documents of article 16; a transfer of proceedings why it serves justice.

Pure: no database. ``initial`` reads a step's fields out of the content for its form, and
``apply`` writes a form's cleaned data back into a copy of the content, so that what the
practitioner types can be checked (``write_findings``) before it is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from .rules import Kind

ALL_KINDS = frozenset(k.value for k in Kind)
MLA_KINDS = frozenset({Kind.MLA.value, Kind.CONFISCATION.value})


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    #: The article of the Convention the step answers, shown beside its title.
    basis: str
    #: The ``content`` fields the step edits (a list of offences or persons is one field).
    fields: tuple[str, ...]
    kinds: frozenset = ALL_KINDS


STEPS: tuple[Step, ...] = (
    Step(
        "parties",
        _("Parties and channel"),
        _("art. 18(13), 18(14), 18(15)(a)"),
        ("requesting_authority", "language", "channel", "legal_basis"),
    ),
    Step(
        "proceeding",
        _("Proceeding"),
        _("art. 18(15)(a), (b)"),
        ("subject_matter", "proceeding", "conducting_authority", "conducting_functions"),
    ),
    Step("facts", _("Facts"), _("art. 18(15)(c)"), ("facts",)),
    Step("offences", _("Offences"), _("art. 2, 3, 16(1)"), ("offences",)),
    Step(
        "assistance",
        _("Assistance sought"),
        _("art. 18(3), 18(15)(d), (e), (f)"),
        ("purposes", "assistance", "procedures", "persons", "purpose"),
        MLA_KINDS,
    ),
    Step(
        "particular",
        _("Videoconference and stored data"),
        _("art. 18(18), 18(3)"),
        ("hearing_of", "data_description", "data_holder"),
        frozenset({Kind.MLA.value}),
    ),
    Step(
        "confiscation",
        _("Confiscation"),
        _("art. 13"),
        (
            "confiscation_basis",
            "property_description",
            "order_copy",
            "execution_extent",
            "actions_requested",
        ),
        frozenset({Kind.CONFISCATION.value}),
    ),
    Step(
        "extradition",
        _("Person sought and documents"),
        _("art. 16"),
        ("person_sought", "warrant_or_judgment", "sentence_to_serve"),
        frozenset({Kind.EXTRADITION.value}),
    ),
    Step(
        "transfer",
        _("Transfer of proceedings"),
        _("art. 21"),
        ("purpose",),
        frozenset({Kind.TRANSFER.value}),
    ),
    Step(
        "confidentiality",
        _("Confidentiality, use and urgency"),
        _("art. 18(13), 18(19), 18(20), 18(24)"),
        (
            "confidential",
            "confidentiality_reason",
            "use_limited_to_request",
            "urgent",
            "urgency_reason",
            "deadline",
            "deadline_reason",
        ),
    ),
    Step("annexes", _("Annexes"), _("art. 18(15)"), ("annexes",)),
    Step("review", _("Review and finalise"), "", ()),
)

#: Fields no step edits, and where the practitioner deals with them.
ELSEWHERE = {"requested_state": "parties", "requesting_state": "parties"}

#: The purposes a step of their own follows up.
VIDEOCONFERENCE = "videoconference"
STORED_DATA = frozenset({"preservation", "production"})

PROCEEDINGS = (
    ("investigation", _("Investigation")),
    ("prosecution", _("Prosecution")),
    ("judicial", _("Judicial proceeding")),
)
LEGAL_BASES = (
    ("UNTOC", _("The Convention (UNTOC)")),
    ("treaty", _("A treaty (name it)")),
    ("reciprocity", _("Reciprocity")),
)
TRISTATE = (("", _("Not known")), ("yes", _("Yes")), ("no", _("No")))


class UnknownStep(LookupError):
    pass


def steps_for(kind: str) -> list[Step]:
    return [s for s in STEPS if kind in s.kinds]


def get_step(kind: str, slug: str) -> Step:
    for step in steps_for(kind):
        if step.slug == slug:
            return step
    raise UnknownStep(slug)


def neighbours(kind: str, slug: str) -> tuple[Step | None, Step | None]:
    """The steps before and after ``slug`` for a request of ``kind``."""
    steps = steps_for(kind)
    i = [s.slug for s in steps].index(slug)
    return (steps[i - 1] if i else None, steps[i + 1] if i + 1 < len(steps) else None)


def field_root(field: str) -> str:
    """``offences[0].max_penalty_years`` → ``offences``."""
    return field.split("[", 1)[0].split(".", 1)[0]


def step_for_field(kind: str, field: str) -> Step:
    """The step where the practitioner fills in ``field`` (a finding's field), or the review."""
    root = field_root(field)
    steps = steps_for(kind)
    for step in steps:
        if root in step.fields:
            return step
    slug = ELSEWHERE.get(root, "review")
    if root == "procedures" and kind not in MLA_KINDS:
        slug = "parties"  # the requested State's requirements, beside its Directory entry
    return next(s for s in steps if s.slug == slug)


def _filled(value) -> bool:
    if isinstance(value, bool):
        return value
    return value not in (None, "", [], {})


def step_states(kind: str, content: dict, last_saved: str, findings) -> list[dict]:
    """Each step with its state for the step list: ``done`` (saved or filled in, and no
    essential left), ``incomplete`` (an essential points to it) or ``todo``.

    A step counts as reached when one of its fields holds something, or when it comes no later
    than the step saved last."""
    steps = steps_for(kind)
    slugs = [s.slug for s in steps]
    reached_up_to = slugs.index(last_saved) if last_saved in slugs else -1
    essentials: dict[str, int] = {}
    for finding in findings:
        if str(finding.severity) == "essential":
            slug = step_for_field(kind, finding.field).slug
            essentials[slug] = essentials.get(slug, 0) + 1
    rows = []
    for i, step in enumerate(steps):
        if step.slug == "review":
            state = "incomplete" if essentials else ("done" if reached_up_to >= i else "todo")
            rows.append({"step": step, "state": state, "essentials": sum(essentials.values())})
            continue
        reached = i <= reached_up_to or any(_filled(content.get(f)) for f in step.fields)
        if essentials.get(step.slug):
            state = "incomplete" if reached else "todo"
        else:
            state = "done" if reached else "todo"
        rows.append({"step": step, "state": state, "essentials": essentials.get(step.slug, 0)})
    return rows


# Content ⇄ form -----------------------------------------------------------------------------


def _tristate_in(value) -> str:
    return "" if value is None else ("yes" if value else "no")


def _tristate_out(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _date_in(value):
    if isinstance(value, date) or not value:
        return value or None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _number(value):
    """A whole number stays one in the JSON (4, not 4.0)."""
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


OFFENCE_FIELDS = (
    "name",
    "provision",
    "max_penalty_years",
    "life",
    "dual_criminality",
    "organized_group",
    "group_size",
    "transnational",
    "convention_offence",
)
PERSON_FIELDS = ("name", "location", "nationality", "role")


def offence_initial(offence: dict) -> dict:
    return {
        "name": offence.get("name", ""),
        "provision": offence.get("provision", ""),
        "max_penalty_years": offence.get("max_penalty_years"),
        "life": bool(offence.get("life")),
        "dual_criminality": _tristate_in(offence.get("dual_criminality")),
        "organized_group": _tristate_in(offence.get("organized_group")),
        "group_size": offence.get("group_size"),
        "transnational": list(offence.get("transnational") or []),
        "convention_offence": offence.get("convention_offence", ""),
    }


def offence_content(data: dict) -> dict | None:
    """An offence row of the form as content; ``None`` for a row left empty."""
    offence = {
        "name": (data.get("name") or "").strip(),
        "provision": (data.get("provision") or "").strip(),
        "max_penalty_years": _number(data.get("max_penalty_years")),
        "life": bool(data.get("life")),
        "dual_criminality": _tristate_out(data.get("dual_criminality")),
        "organized_group": _tristate_out(data.get("organized_group")),
        "group_size": data.get("group_size"),
        "transnational": list(data.get("transnational") or []),
        "convention_offence": data.get("convention_offence") or "",
    }
    if not any(_filled(v) for v in offence.values()):
        return None
    return offence


def person_content(data: dict) -> dict | None:
    person = {f: (data.get(f) or "").strip() for f in PERSON_FIELDS}
    return person if any(person.values()) else None


def initial(step: Step, content: dict, *, default_authority: str = "") -> dict:
    """The step's form fields, read out of ``content``."""
    c = content
    if step.slug == "parties":
        basis = c.get("legal_basis", "UNTOC") or "UNTOC"
        return {
            "requesting_authority": c.get("requesting_authority") or default_authority,
            "language": c.get("language", ""),
            "channel": c.get("channel", ""),
            "legal_basis": basis if basis in ("UNTOC", "reciprocity") else "treaty",
            "treaty": "" if basis in ("UNTOC", "reciprocity") else basis,
        }
    if step.slug == "offences":
        return {"offences": [offence_initial(o) for o in c.get("offences") or []]}
    if step.slug == "assistance":
        return {
            "purposes": list(c.get("purposes") or []),
            "assistance": c.get("assistance", ""),
            "procedures": c.get("procedures", ""),
            "purpose": c.get("purpose", ""),
            "persons": [{f: p.get(f, "") for f in PERSON_FIELDS} for p in c.get("persons") or []],
        }
    if step.slug == "extradition":
        sought = c.get("person_sought") or {}
        return {
            "person_name": sought.get("name", ""),
            "person_location": sought.get("location", ""),
            "person_nationality": sought.get("nationality", ""),
            "warrant_or_judgment": bool(c.get("warrant_or_judgment")),
            "sentence_to_serve": bool(c.get("sentence_to_serve")),
        }
    if step.slug == "confidentiality":
        return {
            "confidential": bool(c.get("confidential")),
            "confidentiality_reason": c.get("confidentiality_reason", ""),
            "use_limited_to_request": _tristate_in(c.get("use_limited_to_request")),
            "urgent": bool(c.get("urgent")),
            "urgency_reason": c.get("urgency_reason", ""),
            "deadline": _date_in(c.get("deadline")),
            "deadline_reason": c.get("deadline_reason", ""),
        }
    if step.slug == "annexes":
        return {"annexes": "\n".join(c.get("annexes") or [])}
    if step.slug == "confiscation":
        return {
            "confiscation_basis": c.get("confiscation_basis", ""),
            "property_description": c.get("property_description", ""),
            "order_copy": bool(c.get("order_copy")),
            "execution_extent": c.get("execution_extent", ""),
            "actions_requested": c.get("actions_requested", ""),
        }
    return {f: c.get(f, "") for f in step.fields}


def apply(step: Step, data: dict, content: dict) -> dict:
    """A copy of ``content`` with the step's fields taken from ``data`` (a form's cleaned
    data). A field missing from ``data`` (left invalid in the form) keeps its saved value."""
    new = dict(content)

    def put(name, value):
        new[name] = value

    def text(name):
        if name in data:
            put(name, (data[name] or "").strip())

    if step.slug == "parties":
        for name in ("requesting_authority", "language", "channel"):
            text(name)
        if "legal_basis" in data:
            choice = data["legal_basis"] or "UNTOC"
            treaty = (data.get("treaty") or "").strip()
            put("legal_basis", treaty if choice == "treaty" else choice)
    elif step.slug == "offences":
        if "offences" in data:
            put("offences", [o for o in map(offence_content, data["offences"]) if o])
    elif step.slug == "assistance":
        if "purposes" in data:
            put("purposes", list(data["purposes"]))
        for name in ("assistance", "procedures", "purpose"):
            text(name)
        if "persons" in data:
            put("persons", [p for p in map(person_content, data["persons"]) if p])
    elif step.slug == "extradition":
        person = {
            "name": (data.get("person_name") or "").strip(),
            "location": (data.get("person_location") or "").strip(),
            "nationality": (data.get("person_nationality") or "").strip(),
        }
        if any(person.values()):
            put("person_sought", {**person, "role": "person sought"})
        else:
            put("person_sought", None)
        for name in ("warrant_or_judgment", "sentence_to_serve"):
            if name in data:
                put(name, bool(data[name]))
    elif step.slug == "confidentiality":
        for name in ("confidential", "urgent"):
            if name in data:
                put(name, bool(data[name]))
        if "use_limited_to_request" in data:
            put("use_limited_to_request", _tristate_out(data["use_limited_to_request"]))
        for name in ("confidentiality_reason", "urgency_reason", "deadline_reason"):
            text(name)
        if "deadline" in data:
            put("deadline", data["deadline"].isoformat() if data["deadline"] else None)
    elif step.slug == "annexes":
        if "annexes" in data:
            put("annexes", _lines(data["annexes"]))
    elif step.slug == "confiscation":
        if "order_copy" in data:
            put("order_copy", bool(data["order_copy"]))
        for name in (
            "confiscation_basis",
            "property_description",
            "execution_extent",
            "actions_requested",
        ):
            text(name)
    else:
        for name in step.fields:
            text(name)
    return new
