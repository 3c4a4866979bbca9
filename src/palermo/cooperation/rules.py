"""The completeness rules of a request for international cooperation, each traced to its source.

Pure: no database, no Django. ``check(request, requested)`` takes a request (``Request``: what
the practitioner has written so far) and what is known of the requested State (``Requested``:
its Treaties status and its Directory entry) and returns the findings, each with its rule's
code, its severity, the field it is about, a sentence saying what is wrong, and its source (an
article and paragraph of the Convention, or the requested State's Directory entry). The writer
shows them as the user types; the ``palermo cooperation check`` command prints them.

Severities:

- ``essential``: the request cannot be finalised while it stands (the contents that article
  18(15) and 13(3) say a request "shall contain", a language the requested State does not
  accept, …);
- ``warning``: worth fixing, and may be acknowledged with a reason (``Request.acknowledged``:
  rule code → reason), after which it no longer holds the request back;
- ``risk``: a ground on which the requested State may refuse (18(9), 18(21)), flagged so the
  practitioner can answer it in the request;
- ``info``: what the practitioner should know (the channel, the central authority, 18(16)).

The rules are listed in ``RULES`` in the order they are shown; docs/user/cooperation.md lists
them for practitioners. Nothing here is legal advice: a rule says what the Convention or the
requested State asks for, and where.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import StrEnum


class Severity(StrEnum):
    ESSENTIAL = "essential"
    WARNING = "warning"
    RISK = "risk"
    INFO = "info"


class Kind(StrEnum):
    MLA = "mla"  # article 18
    CONFISCATION = "confiscation"  # article 13 (with 18, mutatis mutandis)
    EXTRADITION = "extradition"  # article 16
    TRANSFER = "transfer"  # article 21: transfer of criminal proceedings


#: The purposes of article 18(3), and the forms of assistance the writer adds to them.
PURPOSES = {
    "evidence": ("18", "3(a)", "Taking evidence or statements from persons"),
    "service": ("18", "3(b)", "Effecting service of judicial documents"),
    "search": ("18", "3(c)", "Executing searches and seizures, and freezing"),
    "examination": ("18", "3(d)", "Examining objects and sites"),
    "information": (
        "18",
        "3(e)",
        "Providing information, evidentiary items and expert evaluations",
    ),
    "records": (
        "18",
        "3(f)",
        "Providing originals or certified copies of relevant documents and records, including "
        "government, bank, financial, corporate or business records",
    ),
    "tracing": (
        "18",
        "3(g)",
        "Identifying or tracing proceeds of crime, property, instrumentalities or other things "
        "for evidentiary purposes",
    ),
    "appearance": (
        "18",
        "3(h)",
        "Facilitating the voluntary appearance of persons in the requesting State Party",
    ),
    "other": (
        "18",
        "3(i)",
        "Any other type of assistance that is not contrary to the domestic law of the "
        "requested State Party",
    ),
    "videoconference": ("18", "18", "Hearing of a witness or expert by videoconference"),
    "preservation": ("18", "3(i)", "Expedited preservation of stored electronic data"),
    "production": ("18", "3(f)", "Production of stored electronic data"),
}

#: Article 13: which paragraph a confiscation request is made under.
CONFISCATION_BASES = {
    "order-sought": "1(a)",  # the requested State seeks its own order
    "order-given": "1(b)",  # the requesting State's order, to be given effect
    "freeze": "2",  # identify, trace and freeze or seize
}

#: Article 2(b): a "serious crime" is punishable by a maximum of at least four years.
SERIOUS_CRIME_YEARS = 4
#: Article 2(a): "a structured group of three or more persons".
GROUP_MINIMUM = 3
#: Article 3(2): the ways an offence is transnational in nature.
TRANSNATIONAL = {
    "several-states": "2(a)",
    "planned-elsewhere": "2(b)",
    "group-abroad": "2(c)",
    "effects-elsewhere": "2(d)",
}
CHANNELS = ("central_authority", "diplomatic", "interpol")


class RequestError(ValueError):
    """A request description that cannot be read: says which field and why."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path, self.message = path, message


# What the rules read ---------------------------------------------------------------------


@dataclass
class Offence:
    name: str = ""
    #: The provision of the requesting State's law (as cited).
    provision: str = ""
    #: The maximum deprivation of liberty it carries, in years (``None``: not given).
    max_penalty_years: float | None = None
    #: Life imprisonment or a more serious penalty.
    life: bool = False
    #: Is the conduct an offence in the requested State too (``None``: not known)?
    dual_criminality: bool | None = None
    #: Does it involve an organized criminal group (art. 2(a)), and of how many persons?
    organized_group: bool | None = None
    group_size: int | None = None
    #: The article 3(2) grounds that make it transnational (``TRANSNATIONAL`` keys).
    transnational: list[str] = field(default_factory=list)
    #: Offences established under the Convention: "5", "6", "8", "23" (art. 3(1)(a)).
    convention_offence: str = ""


@dataclass
class Person:
    name: str = ""
    location: str = ""
    nationality: str = ""
    role: str = ""  # suspect, witness, victim, person sought …


@dataclass
class Request:
    kind: str = Kind.MLA
    requesting_state: str = ""
    requested_state: str = ""
    #: 18(15)(a): the authority making the request.
    requesting_authority: str = ""
    #: 18(15)(b): subject matter and nature of the proceeding, and who conducts it.
    subject_matter: str = ""
    proceeding: str = ""  # investigation, prosecution, judicial
    conducting_authority: str = ""
    conducting_functions: str = ""
    #: 18(15)(c): a summary of the relevant facts.
    facts: str = ""
    #: 18(3) purposes (``PURPOSES`` keys); 18(15)(d): the assistance sought and procedures.
    purposes: list[str] = field(default_factory=list)
    assistance: str = ""
    procedures: str = ""
    #: 18(15)(e): persons concerned.
    persons: list[Person] = field(default_factory=list)
    #: 18(15)(f): the purpose for which the evidence, information or action is sought.
    purpose: str = ""
    offences: list[Offence] = field(default_factory=list)
    #: 18(20) confidentiality asked for, and why; 18(19): the use of what is given.
    confidential: bool = False
    confidentiality_reason: str = ""
    use_limited_to_request: bool | None = None
    #: 18(13), 18(24): urgency, its reason, and a deadline with its reason.
    urgent: bool = False
    urgency_reason: str = ""
    deadline: date | None = None
    deadline_reason: str = ""
    #: The language the request is written in, and the channel it is sent through.
    language: str = ""
    channel: str = ""
    #: The legal basis: "UNTOC", a bilateral treaty's name, "reciprocity" …
    legal_basis: str = "UNTOC"
    #: Article 13(3): the paragraph of article 13 and what it asks for.
    confiscation_basis: str = ""
    property_description: str = ""
    order_copy: bool = False
    execution_extent: str = ""
    actions_requested: str = ""
    #: Article 16: the person sought and the documents supporting the request.
    person_sought: Person | None = None
    warrant_or_judgment: bool = False
    sentence_to_serve: bool = False
    #: Videoconference (18(18)): the witness or expert to be heard.
    hearing_of: str = ""
    #: Stored electronic data: what, held by whom.
    data_description: str = ""
    data_holder: str = ""
    #: Annexes listed with the request.
    annexes: list[str] = field(default_factory=list)
    #: Who signs it (the renderer's signature block; blank lines to fill in by hand if not).
    signatory_name: str = ""
    signatory_title: str = ""
    signatory_place: str = ""
    #: Rule code → the practitioner's reason for going on despite a warning.
    acknowledged: dict[str, str] = field(default_factory=dict)


@dataclass
class Requested:
    """What is known of the requested State: Treaties and its Directory entry for the area."""

    code: str = ""
    name: str = ""
    #: The date from which it is a party to the Convention (``None``: not a party).
    party_since: date | None = None
    #: Its declarations and reservations, as texts, with the article they concern.
    declarations: list[dict] = field(default_factory=list)
    #: From the Directory (``None``: no entry for the area).
    has_entry: bool = False
    authority: str = ""
    languages: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    convention_accepted: bool | None = None
    requirements: str = ""
    urgent_procedure: str = ""
    last_confirmed: date | None = None


# Findings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a rule comes from: an article (and paragraph) of an instrument, or the requested
    State's Directory entry or Treaties record."""

    instrument: str = "UNTOC"
    article: str = ""
    paragraph: str = ""
    other: str = ""

    def __str__(self):
        if self.other:
            return self.other
        where = self.article
        if self.paragraph:
            number, _sep, rest = self.paragraph.partition("(")
            where += f"({number})" + (f"({rest}" if rest else "")
        return f"{self.instrument} art. {where}"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    field: str
    message: str
    source: Source
    acknowledged: str = ""

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "field": self.field,
            "message": self.message,
            "source": str(self.source),
            "article": self.source.article or None,
            "paragraph": self.source.paragraph or None,
            "acknowledged": self.acknowledged or None,
        }


@dataclass
class Report:
    findings: list[Finding]

    @property
    def blocking(self) -> list[Finding]:
        """What stops the request from being finalised: essentials, and warnings not
        acknowledged."""
        return [
            f
            for f in self.findings
            if f.severity == Severity.ESSENTIAL
            or (f.severity == Severity.WARNING and not f.acknowledged)
        ]

    @property
    def finalisable(self) -> bool:
        return not self.blocking

    def codes(self, severity: Severity | None = None) -> list[str]:
        return [f.code for f in self.findings if severity is None or f.severity == severity]

    def as_dict(self) -> dict:
        return {
            "finalisable": self.finalisable,
            "blocking": [f.code for f in self.blocking],
            "findings": [f.as_dict() for f in self.findings],
        }


Rule = Callable[[Request, Requested], Iterator[Finding]]
RULES: list[tuple[str, Rule]] = []


def rule(code: str):
    def register(fn: Rule) -> Rule:
        RULES.append((code, fn))
        fn.code = code
        return fn

    return register


def _art(article: str, paragraph: str = "", instrument: str = "UNTOC") -> Source:
    return Source(instrument=instrument, article=article, paragraph=paragraph)


DIRECTORY = Source(other="the requested State's Directory entry")
TREATIES = Source(other="the requested State's Treaties record")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _is_mla(request: Request) -> bool:
    return request.kind in (Kind.MLA, Kind.CONFISCATION)


def _finding(code, severity, field_, message, source) -> Finding:
    return Finding(code, Severity(severity), field_, message, source)


# The contents of a request for mutual legal assistance: article 18(15) ---------------------


@rule("18-15-a")
def _requesting_authority(request, requested):
    if _is_mla(request) and _blank(request.requesting_authority):
        yield _finding(
            "18-15-a",
            "essential",
            "requesting_authority",
            "Name the authority making the request.",
            _art("18", "15(a)"),
        )


@rule("18-15-b")
def _subject_matter(request, requested):
    if not _is_mla(request):
        return
    if _blank(request.subject_matter) or _blank(request.proceeding):
        yield _finding(
            "18-15-b",
            "essential",
            "subject_matter",
            "Describe the subject matter and nature of the investigation, prosecution or "
            "judicial proceeding the request relates to.",
            _art("18", "15(b)"),
        )
    if _blank(request.conducting_authority) or _blank(request.conducting_functions):
        yield _finding(
            "18-15-b-authority",
            "essential",
            "conducting_authority",
            "Give the name and functions of the authority conducting the proceeding.",
            _art("18", "15(b)"),
        )


@rule("18-15-c")
def _facts(request, requested):
    # "except in relation to requests for the purpose of service of judicial documents"
    if not _is_mla(request) or not _blank(request.facts):
        return
    if request.purposes and set(request.purposes) <= {"service"}:
        return
    yield _finding(
        "18-15-c",
        "essential",
        "facts",
        "Summarise the relevant facts (only a request for service of documents alone may "
        "leave them out).",
        _art("18", "15(c)"),
    )


@rule("18-15-d")
def _assistance(request, requested):
    if not _is_mla(request):
        return
    if request.kind == Kind.MLA and not request.purposes:
        yield _finding(
            "18-3",
            "essential",
            "purposes",
            "Choose what assistance is sought (the purposes of article 18(3)).",
            _art("18", "3"),
        )
    unknown = [p for p in request.purposes if p not in PURPOSES]
    for purpose in unknown:
        yield _finding(
            "18-3-unknown",
            "essential",
            "purposes",
            f"“{purpose}” is not a form of assistance the writer knows.",
            _art("18", "3"),
        )
    if _blank(request.assistance):
        yield _finding(
            "18-15-d",
            "essential",
            "assistance",
            "Describe the assistance sought, and any procedure you wish the requested State "
            "to follow.",
            _art("18", "15(d)"),
        )


@rule("18-15-e")
def _persons(request, requested):
    # "Where possible": a warning, not an essential.
    if not _is_mla(request):
        return
    incomplete = [
        i
        for i, p in enumerate(request.persons)
        if _blank(p.name) or _blank(p.location) or _blank(p.nationality)
    ]
    if not request.persons:
        message = (
            "Give, where possible, the identity, location and nationality of any person concerned."
        )
    elif incomplete:
        names = ", ".join(request.persons[i].name or f"person {i + 1}" for i in incomplete)
        message = f"Give, where possible, the location and nationality of: {names}."
    else:
        return
    yield _finding("18-15-e", "warning", "persons", message, _art("18", "15(e)"))


@rule("18-15-f")
def _purpose(request, requested):
    if _is_mla(request) and _blank(request.purpose):
        yield _finding(
            "18-15-f",
            "essential",
            "purpose",
            "Say for what purpose the evidence, information or action is sought.",
            _art("18", "15(f)"),
        )


@rule("18-16")
def _additional(request, requested):
    if _is_mla(request) and requested.requirements.strip():
        yield _finding(
            "18-16",
            "info",
            "procedures",
            "The requested State may ask for more information where its law needs it: its "
            "requirements for incoming requests are in its Directory entry (below).",
            _art("18", "16"),
        )


# What particular forms of assistance need ----------------------------------------------


@rule("18-18")
def _videoconference(request, requested):
    if "videoconference" in request.purposes and _blank(request.hearing_of):
        yield _finding(
            "18-18",
            "essential",
            "hearing_of",
            "Name the witness or expert to be heard by videoconference, and say why they "
            "cannot or should not appear in person.",
            _art("18", "18"),
        )


@rule("data")
def _stored_data(request, requested):
    if {"preservation", "production"} & set(request.purposes) and (
        _blank(request.data_description) or _blank(request.data_holder)
    ):
        yield _finding(
            "data",
            "essential",
            "data_description",
            "Describe the stored data (accounts, period, kind of data) and who holds it.",
            _art("18", "15(d)"),
        )
    if "preservation" in request.purposes and not request.urgent:
        yield _finding(
            "data-urgent",
            "warning",
            "urgent",
            "Data not preserved at once may be deleted: mark the request urgent and say why.",
            _art("18", "13"),
        )


# Confiscation: article 13(3) -------------------------------------------------------------


@rule("13-3")
def _confiscation(request, requested):
    if request.kind != Kind.CONFISCATION:
        return
    basis = request.confiscation_basis
    if basis not in CONFISCATION_BASES:
        yield _finding(
            "13-basis",
            "essential",
            "confiscation_basis",
            "Say whether the requested State is asked to seek its own confiscation order "
            "(art. 13(1)(a)), to give effect to your order (13(1)(b)), or to identify, trace "
            "and freeze or seize (13(2)).",
            _art("13", "1"),
        )
        return
    if basis == "order-sought":
        if _blank(request.property_description) or _blank(request.facts):
            yield _finding(
                "13-3-a",
                "essential",
                "property_description",
                "Describe the property to be confiscated and state the facts relied upon, "
                "enough for the requested State to seek the order under its own law.",
                _art("13", "3(a)"),
            )
    elif basis == "order-given":
        if not request.order_copy:
            yield _finding(
                "13-3-b-order",
                "essential",
                "order_copy",
                "Attach a legally admissible copy of the confiscation order the request is "
                "based on.",
                _art("13", "3(b)"),
            )
        if _blank(request.facts) or _blank(request.execution_extent):
            yield _finding(
                "13-3-b",
                "essential",
                "execution_extent",
                "State the facts, and to what extent execution of the order is requested.",
                _art("13", "3(b)"),
            )
    elif _blank(request.facts) or _blank(request.actions_requested):
        yield _finding(
            "13-3-c",
            "essential",
            "actions_requested",
            "State the facts relied upon and describe the actions requested (identify, "
            "trace, freeze, seize).",
            _art("13", "3(c)"),
        )


# Extradition: article 16; transfer of proceedings: article 21 ---------------------------


@rule("16")
def _extradition(request, requested):
    if request.kind != Kind.EXTRADITION:
        return
    sought = request.person_sought
    if sought is None or _blank(sought.name):
        yield _finding(
            "16-person",
            "essential",
            "person_sought",
            "Identify the person sought (name, and what else identifies them).",
            _art("16", "1"),
        )
    elif _blank(sought.location):
        yield _finding(
            "16-1-location",
            "essential",
            "person_sought",
            "Say where the person sought is: article 16 applies to a person located in the "
            "requested State.",
            _art("16", "1"),
        )
    if not request.offences:
        yield _finding(
            "16-offences",
            "essential",
            "offences",
            "List the offences for which extradition is sought, with their penalties.",
            _art("16", "1"),
        )
    for i, offence in enumerate(request.offences):
        if offence.dual_criminality is False:
            yield _finding(
                "16-1-dual-criminality",
                "essential",
                f"offences[{i}].dual_criminality",
                f"“{offence.name}” must be punishable under the law of both States for "
                "article 16 to apply.",
                _art("16", "1"),
            )
        elif offence.dual_criminality is None:
            yield _finding(
                "16-1-dual-criminality-unknown",
                "warning",
                f"offences[{i}].dual_criminality",
                f"Check that “{offence.name}” is also an offence in the requested State "
                "(dual criminality).",
                _art("16", "1"),
            )
    if not request.warrant_or_judgment:
        yield _finding(
            "16-7-documents",
            "warning",
            "warrant_or_judgment",
            "Attach the warrant of arrest or the judgment (and, to enforce a sentence, what "
            "remains to be served); the requested State's law decides what else it needs.",
            _art("16", "7"),
        )
    yield _finding(
        "16-7",
        "info",
        "offences",
        "Extradition is subject to the requested State's law and treaties, including its "
        "minimum penalty and its grounds for refusal.",
        _art("16", "7"),
    )


@rule("21")
def _transfer(request, requested):
    if request.kind != Kind.TRANSFER:
        return
    if _blank(request.facts) or not request.offences:
        yield _finding(
            "21",
            "essential",
            "facts",
            "State the facts and the offences whose prosecution is to be transferred.",
            _art("21"),
        )
    if _blank(request.purpose):
        yield _finding(
            "21-interest",
            "essential",
            "purpose",
            "Say why the transfer is in the interests of the proper administration of "
            "justice (several jurisdictions involved, concentrating the prosecution).",
            _art("21"),
        )


# Is it a case for the Convention? articles 2 and 3 ----------------------------------------


def _serious(offence: Offence) -> bool | None:
    if offence.life:
        return True
    if offence.max_penalty_years is None:
        return None
    return offence.max_penalty_years >= SERIOUS_CRIME_YEARS


@rule("2-b")
def _serious_crime(request, requested):
    for i, offence in enumerate(request.offences):
        serious = _serious(offence)
        if offence.convention_offence:
            continue  # art. 3(1)(a): an offence of arts. 5, 6, 8 or 23, whatever its penalty
        if serious is None:
            yield _finding(
                "2-b-unknown",
                "warning",
                f"offences[{i}].max_penalty_years",
                f"Give the maximum penalty for “{offence.name}”: the Convention covers a "
                f"serious crime, punishable by at least {SERIOUS_CRIME_YEARS} years.",
                _art("2", "b"),
            )
        elif not serious:
            yield _finding(
                "2-b",
                "warning",
                f"offences[{i}].max_penalty_years",
                f"“{offence.name}” carries at most {offence.max_penalty_years:g} years: not a "
                f"serious crime (at least {SERIOUS_CRIME_YEARS}), so the Convention covers it "
                "only as an offence of its articles 5, 6, 8 or 23.",
                _art("2", "b"),
            )


@rule("2-a")
def _organized_group(request, requested):
    if request.legal_basis != "UNTOC":
        return
    for i, offence in enumerate(request.offences):
        if offence.organized_group is False:
            yield _finding(
                "3-1-group",
                "warning",
                f"offences[{i}].organized_group",
                f"The Convention applies to “{offence.name}” only if it involves an "
                "organized criminal group.",
                _art("3", "1"),
            )
        elif offence.organized_group is None:
            yield _finding(
                "3-1-group-unknown",
                "warning",
                f"offences[{i}].organized_group",
                f"Say whether “{offence.name}” involves an organized criminal group (art. "
                "2(a)): the Convention applies to those.",
                _art("2", "a"),
            )
        elif offence.group_size is not None and offence.group_size < GROUP_MINIMUM:
            yield _finding(
                "2-a",
                "warning",
                f"offences[{i}].group_size",
                f"An organized criminal group has three or more persons; “{offence.name}” "
                f"names {offence.group_size}.",
                _art("2", "a"),
            )
        unknown = [t for t in offence.transnational if t not in TRANSNATIONAL]
        if unknown:
            yield _finding(
                "3-2-unknown",
                "essential",
                f"offences[{i}].transnational",
                f"Unknown ground of transnationality: {', '.join(unknown)}.",
                _art("3", "2"),
            )
        elif (
            not offence.transnational
            and request.kind == Kind.EXTRADITION
            and offence.organized_group
            and request.person_sought is not None
            and not _blank(request.person_sought.location)
        ):
            # 16(1): extradition also covers an offence involving an organized criminal group
            # when the person sought is in the requested State, transnational or not.
            continue
        elif not offence.transnational and not (_is_mla(request)):
            yield _finding(
                "3-2",
                "warning",
                f"offences[{i}].transnational",
                f"Say how “{offence.name}” is transnational in nature (art. 3(2)).",
                _art("3", "2"),
            )
        elif not offence.transnational:
            # 18(1): reasonable grounds to suspect transnationality are enough for MLA.
            yield _finding(
                "18-1",
                "warning",
                f"offences[{i}].transnational",
                f"Give your reasonable grounds to suspect that “{offence.name}” is "
                "transnational (victims, witnesses, proceeds, instrumentalities or evidence in "
                "the requested State).",
                _art("18", "1"),
            )


# Confidentiality, use, urgency: 18(20), 18(19), 18(13), 18(24) ------------------------------


@rule("18-20")
def _confidentiality(request, requested):
    if request.confidential and _blank(request.confidentiality_reason):
        yield _finding(
            "18-20",
            "warning",
            "confidentiality_reason",
            "You ask that the request be kept confidential: say why, so the requested State "
            "can tell you at once if it cannot comply.",
            _art("18", "20"),
        )


@rule("18-19")
def _limits_on_use(request, requested):
    if _is_mla(request) and request.use_limited_to_request is not True:
        yield _finding(
            "18-19",
            "info",
            "use_limited_to_request",
            "What is given may be used only in the proceedings named in the request, unless "
            "the requested State consents (exculpatory evidence excepted, with notice).",
            _art("18", "19"),
        )


@rule("18-24")
def _urgency(request, requested):
    if request.urgent and _blank(request.urgency_reason):
        yield _finding(
            "18-13-urgent",
            "warning",
            "urgency_reason",
            "Say why the request is urgent: the requested State takes account of the reasons "
            "given.",
            _art("18", "24"),
        )
    if request.urgent and requested.urgent_procedure.strip():
        yield _finding(
            "18-13-urgent-procedure",
            "info",
            "channel",
            f"The requested State's procedure for urgent requests: "
            f"{requested.urgent_procedure.strip()}",
            DIRECTORY,
        )
    if request.deadline is not None and _blank(request.deadline_reason):
        yield _finding(
            "18-24",
            "warning",
            "deadline_reason",
            "Give the reasons for the deadline: the requested State takes account of "
            "deadlines for which reasons are given.",
            _art("18", "24"),
        )


# Grounds for refusal, flagged as risks: 18(9), 18(21) ------------------------------------


@rule("18-21")
def _refusal_risks(request, requested):
    if not _is_mla(request):
        return
    for i, offence in enumerate(request.offences):
        if offence.dual_criminality is False:
            yield _finding(
                "18-9",
                "risk",
                f"offences[{i}].dual_criminality",
                f"“{offence.name}” is not an offence in the requested State: it may decline "
                "for absence of dual criminality.",
                _art("18", "9"),
            )
    if "search" in request.purposes or "tracing" in request.purposes:
        yield _finding(
            "18-21-c",
            "risk",
            "assistance",
            "Coercive measures: the requested State may refuse what its law would not allow "
            "for a similar offence of its own. Describe the grounds for the measure as its "
            "law would need them.",
            _art("18", "21(c)"),
        )


# The requested State: Treaties and the Directory ----------------------------------------


@rule("party")
def _party(request, requested):
    if request.legal_basis != "UNTOC":
        return
    if requested.party_since is None:
        yield _finding(
            "party",
            "essential",
            "legal_basis",
            f"{requested.name or requested.code or 'The requested State'} is not a party to "
            "the Convention: choose another legal basis (a treaty, reciprocity).",
            TREATIES,
        )
    elif requested.party_since > date.today():
        yield _finding(
            "party-future",
            "warning",
            "legal_basis",
            f"{requested.name or requested.code} is a party only from "
            f"{requested.party_since.isoformat()}.",
            TREATIES,
        )
    for declaration in requested.declarations:
        yield _finding(
            "declaration",
            "info",
            "legal_basis",
            f"Declaration of {requested.name or requested.code} under article "
            f"{declaration.get('article', '?')}: {declaration.get('text', '').strip()}",
            TREATIES,
        )


def _accepted(language: str, accepted: list[str]) -> bool:
    """Whether a request written in ``language`` is in one the State accepts: the same code,
    or the same language ("zh-hans" is written in "zh"; "pt" accepts "pt-br")."""
    language = (language or "").lower()
    primary = language.split("-")[0]
    return language in accepted or primary in {code.split("-")[0] for code in accepted}


@rule("directory")
def _directory(request, requested):
    if not requested.has_entry:
        yield _finding(
            "directory-missing",
            "warning",
            "requested_state",
            "The requested State has no Directory entry for this kind of request: check its "
            "central authority, languages and channels another way.",
            DIRECTORY,
        )
        return
    # 18(13) and 18(14) are article 18's (and so 13's); for extradition and the transfer of
    # proceedings the language and the channel are the requested State's own requirements.
    mla = _is_mla(request)
    languages = [lang.lower() for lang in requested.languages]
    if languages and not _accepted(request.language, languages):
        yield _finding(
            "18-14",
            "essential",
            "language",
            f"Write the request in a language the requested State accepts: "
            f"{', '.join(requested.languages)}.",
            _art("18", "14") if mla else DIRECTORY,
        )
    if requested.channels and request.channel and request.channel not in requested.channels:
        yield _finding(
            "18-13-channel",
            "essential",
            "channel",
            f"The requested State receives requests through: {', '.join(requested.channels)}.",
            _art("18", "13") if mla else DIRECTORY,
        )
    elif not request.channel:
        yield _finding(
            "18-13-channel-missing",
            "essential",
            "channel",
            "Choose the channel: "
            + ", ".join(requested.channels or CHANNELS)
            + (f" (central authority: {requested.authority})" if requested.authority else ""),
            _art("18", "13") if mla else DIRECTORY,
        )
    if request.channel == "interpol" and not request.urgent:
        yield _finding(
            "18-13-interpol",
            "warning",
            "channel",
            "INTERPOL is a channel for urgent circumstances, where the States agree.",
            _art("18", "13") if mla else DIRECTORY,
        )
    if request.legal_basis == "UNTOC" and requested.convention_accepted is False:
        yield _finding(
            "legal-basis",
            "essential",
            "legal_basis",
            "The requested State does not accept the Convention as the legal basis for such "
            "requests: cite a treaty or reciprocity.",
            DIRECTORY,
        )
    if requested.requirements.strip():
        yield _finding(
            "requirements",
            "info",
            "procedures",
            f"The requested State's requirements: {requested.requirements.strip()}",
            DIRECTORY,
        )


# Running the rules -------------------------------------------------------------------------


#: The rules whose essentials make a request "not made in conformity with this article"
#: (18(21)(a)): the contents of 18(15), and what 13(3) adds to them.
CONFORMITY_RULES = ("18-15", "13-3")
NOT_IN_CONFORMITY = Finding(
    "18-21-a",
    Severity.RISK,
    "",
    "A request not made in conformity with article 18 may be refused: complete what is "
    "marked essential.",
    _art("18", "21(a)"),
)


def check(request: Request, requested: Requested) -> Report:
    """Every finding, in the order of ``RULES``; acknowledged warnings say so. The risk of
    18(21)(a) follows the other grounds for refusal when an essential of the contents stands."""
    findings, nonconforming = [], False
    for code, fn in RULES:
        for finding in fn(request, requested):
            reason = request.acknowledged.get(finding.code, "").strip()
            if reason and finding.severity == Severity.WARNING:
                finding = replace(finding, acknowledged=reason)
            if code.startswith(CONFORMITY_RULES) and finding.severity == Severity.ESSENTIAL:
                nonconforming = True
            findings.append(finding)
        if code == "18-21" and nonconforming:
            findings.append(NOT_IN_CONFORMITY)
    return Report(findings)


# Reading a request described as JSON -----------------------------------------------------


def _read(cls, data, path: str):
    if not isinstance(data, dict):
        raise RequestError(path or "request", "expected an object")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise RequestError(f"{path}{unknown[0]}", "no such field")
    values = {}
    for name, value in data.items():
        where = f"{path}{name}"
        kind = known[name].type
        if value is None:
            values[name] = None
        elif name in ("persons",):
            values[name] = [
                _read(Person, v, f"{where}[{i}].") for i, v in enumerate(_list(value, where))
            ]
        elif name == "offences":
            values[name] = [
                _read(Offence, v, f"{where}[{i}].") for i, v in enumerate(_list(value, where))
            ]
        elif name == "person_sought":
            values[name] = _read(Person, value, f"{where}.")
        elif "date" in str(kind):
            try:
                values[name] = date.fromisoformat(value)
            except (TypeError, ValueError):
                raise RequestError(where, f"{value!r} is not a date (YYYY-MM-DD)") from None
        elif name == "declarations":
            values[name] = [
                {"article": str(v.get("article", "")), "text": str(v.get("text", ""))}
                if isinstance(v, dict)
                else _not_object(f"{where}[{i}]")
                for i, v in enumerate(_list(value, where))
            ]
        elif "bool" in str(kind):
            if not isinstance(value, bool):
                raise RequestError(where, f"{value!r} is not true or false")
            values[name] = value
        elif "float" in str(kind) or "int" in str(kind):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise RequestError(where, f"{value!r} is not a number")
            values[name] = value
        elif "list" in str(kind):
            values[name] = [str(v) for v in _list(value, where)]
        elif "dict" in str(kind):
            if not isinstance(value, dict):
                raise RequestError(where, "expected an object")
            values[name] = {str(k): str(v) for k, v in value.items()}
        elif isinstance(value, str | bool):
            values[name] = value
        else:
            raise RequestError(where, f"{value!r} is not text")
    return cls(**values)


def _not_object(where):
    raise RequestError(where, "expected an object")


def _list(value, where):
    if not isinstance(value, list):
        raise RequestError(where, "expected a list")
    return value


def read_request(data: dict) -> Request:
    """A ``Request`` from its JSON form (the fields above); ``RequestError`` names the field."""
    request = _read(Request, data, "")
    if request.kind not in {k.value for k in Kind}:
        raise RequestError("kind", f"{request.kind!r} is not one of {', '.join(k for k in Kind)}")
    return request


def read_requested(data: dict) -> Requested:
    return _read(Requested, data, "requested.")
