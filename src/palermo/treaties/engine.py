"""The treaty rule engine: who is bound by what, since when.

Everything here is derived from the treaty actions recorded with the depositary (signatures,
instruments of ratification, acceptance, approval, accession, notifications of succession,
formal confirmations, notifications of denunciation). Nothing that these rules can derive is
typed in by hand; the one sourced fact an instrument may carry is its official date of entry
into force, which is compared with what the known actions imply (see ``Discrepancy``).

The module is pure: standard library only, no Django, no I/O. Give ``TreatyEngine`` the
instruments, the participants and the actions; ask it for statuses, counts and timelines.

The final clauses applied (English text, ``shared/data/instruments/*.json``):

UNTOC art. 36(3)-(4): "This Convention is subject to ratification, acceptance or approval. [...]
This Convention is open for accession by any State or any regional economic integration
organization of which at least one member State is a Party to this Convention."

UNTOC art. 37(2): "In order to become a Party to a protocol, a State or a regional economic
integration organization must also be a Party to this Convention."

UNTOC art. 38: "1. This Convention shall enter into force on the ninetieth day after the date of
deposit of the fortieth instrument of ratification, acceptance, approval or accession. For the
purpose of this paragraph, any instrument deposited by a regional economic integration
organization shall not be counted as additional to those deposited by member States of such
organization. 2. For each State or regional economic integration organization ratifying,
accepting, approving or acceding to this Convention after the deposit of the fortieth instrument
of such action, this Convention shall enter into force on the thirtieth day after the date of
deposit by such State or organization of the relevant instrument."

TIP art. 17 (identical: SOM art. 22, Firearms art. 18): "1. This Protocol shall enter into force
on the ninetieth day after the date of deposit of the fortieth instrument of ratification,
acceptance, approval or accession, except that it shall not enter into force before the entry
into force of the Convention. [REIO sentence as in UNTOC art. 38(1)] 2. For each State or regional
economic integration organization ratifying, accepting, approving or acceding to this Protocol
after the deposit of the fortieth instrument of such action, this Protocol shall enter into force
on the thirtieth day after the date of deposit by such State or organization of the relevant
instrument or on the date this Protocol enters into force pursuant to paragraph 1 of this
article, whichever is the later."

UNTOC art. 40 (Protocols: TIP art. 19, SOM art. 24, Firearms art. 20, paragraphs 1-2): "1. A State
Party may denounce this Convention by written notification to the Secretary-General of the United
Nations. Such denunciation shall become effective one year after the date of receipt of the
notification by the Secretary-General. 2. A regional economic integration organization shall
cease to be a Party to this Convention when all of its member States have denounced it.
3. Denunciation of this Convention in accordance with paragraph 1 of this article shall entail
the denunciation of any protocols thereto."

Readings chosen where the text leaves room (each is tested):

* Which instruments count toward the fortieth. The clauses name ratification, acceptance,
  approval and accession. A notification of succession also counts here: a successor State
  that notifies succession to a treaty not yet in force becomes a contracting State to it
  (1978 Vienna Convention on Succession of States in respect of Treaties, art. 18), and the
  depositary lists successions in the same column as the other instruments. A formal
  confirmation is an international organization's equivalent of ratification; it counts too,
  but in practice only REIOs use it and a REIO never counts (next point). ``THRESHOLD_KINDS``
  holds the set. For the UNTOC family the choice changes nothing: no succession was deposited
  before any of the four instruments entered into force.
* REIOs. "Shall not be counted as additional to those deposited by member States" is read as:
  an instrument deposited by a participant with ``is_reio=True`` never counts toward the
  threshold. (The engine holds no membership lists, so it cannot count a REIO that has no
  member State among the depositors; that case does not arise for the European Union.)
* Entry into force for a participant. Art. 38(2) and its Protocol equivalents apply to a
  deposit made *after the fortieth instrument*, not after entry into force. A participant
  that deposits on or before the fortieth instrument is bound from the instrument's entry into
  force; one that deposits later is bound from the thirtieth day after its deposit, never
  before the instrument itself is in force ("whichever is the later", written out in the
  Protocols and implied for the Convention). Because an instrument enters into force at least
  ``initial_delay_days`` after the fortieth deposit, both cases reduce to one formula,
  ``max(instrument entry into force, deposit + later_delay_days)``, provided
  ``later_delay_days <= initial_delay_days`` (checked by ``Instrument``). So a State that
  deposited between the fortieth instrument and the entry into force is bound only from its
  own thirtieth day: Afghanistan deposited on 2003-09-24, after the fortieth UNTOC instrument
  (Armenia, 2003-07-01), so UNTOC entered into force for it on 2003-10-24, not on 2003-09-29.
  For a Protocol the date is, in addition, never before the Convention is in force for the
  same participant (art. 37(2)).
* "Party to this Convention" in art. 37(2) is read as "has deposited its consent to be bound by
  the Convention, on or before the date of the Protocol instrument, and its denunciation has
  not taken effect". States routinely deposit the Convention and a Protocol on the same day.
* "One year after the date of receipt" is computed on the calendar: the same day and month of
  the next year (a notice received on 29 February takes effect on 28 February). An instrument
  whose clause counts days instead can set ``denunciation_delay_days``.
* One period of participation per participant and instrument: consent given again after a
  denunciation is refused rather than modelled as a second period. REIO competence
  declarations are outside these rules.

Facts that cannot be (each refused with the rule that forbids it, ``RULES``):

* ``before_adoption``: no action is dated before the instrument's adoption (UNTOC, TIP and SOM
  adopted by General Assembly resolution 55/25 of 15 November 2000; Firearms by resolution
  55/255 of 31 May 2001).
* ``in_the_future``: no action is dated after today.
* ``outside_signature_period``: UNTOC art. 36(1): "This Convention shall be open to all States
  for signature from 12 to 15 December 2000 in Palermo, Italy, and thereafter at United
  Nations Headquarters in New York until 12 December 2002." TIP art. 16(1) and SOM art. 21(1)
  give the same period; Firearms art. 17(1): "from the thirtieth day after its adoption by the
  General Assembly until 12 December 2002" (adopted 31 May 2001: from 30 June 2001). After the
  period a State joins by accession (art. 36(4)).
* ``consent_without_signature``: "This Convention is subject to ratification, acceptance or
  approval" (art. 36(3), Protocols likewise) is read as: only a signatory ratifies, accepts or
  approves; a State that did not sign accedes. Applied only where the instrument's actions are
  complete on the date of the instrument (``Instrument.complete_on``); on partial data a missing
  signature may simply be unknown, and the action is accepted as ``unverified``.
* ``not_a_party_to_the_convention`` (art. 37(2), above) is likewise refused where the
  Convention's actions are complete on the date, and accepted as ``unverified`` elsewhere.
* For an instrument's official entry-into-force date (``check_entry_into_force``): not before
  adoption, not in the future, and only with its source.

An anomaly that the depositary's own record contains (e.g. a ratification without a signature
in the UNTC table) is accepted through a ``RuleException``: the rule it breaks, the action, and
the source that records it. Accepted exceptions are listed in ``TreatyEngine.excepted``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from enum import StrEnum

__all__ = [
    "CONSENT_KINDS",
    "THRESHOLD_KINDS",
    "Action",
    "ActionKind",
    "Counts",
    "Discrepancy",
    "Instrument",
    "InstrumentHistory",
    "Participant",
    "Refusal",
    "RULES",
    "RuleException",
    "Status",
    "TreatyEngine",
    "add_years",
    "check_entry_into_force",
]


class ActionKind(StrEnum):
    """A treaty action as the depositary records it.

    The one list of kinds: the model field's choices (``choices.ActionKind``, with translated
    labels) and the parsers' kinds are built from it."""

    SIGNATURE = "signature"
    RATIFICATION = "ratification"
    ACCEPTANCE = "acceptance"
    APPROVAL = "approval"
    ACCESSION = "accession"
    SUCCESSION = "succession"
    FORMAL_CONFIRMATION = "formal_confirmation"
    #: Consent to be bound whose kind the source does not state; never guessed.
    CONSENT_UNSPECIFIED = "consent_unspecified"
    DENUNCIATION = "denunciation"


#: Actions by which a participant expresses its consent to be bound (art. 36(3)-(4)).
CONSENT_KINDS = frozenset(
    {
        ActionKind.RATIFICATION,
        ActionKind.ACCEPTANCE,
        ActionKind.APPROVAL,
        ActionKind.ACCESSION,
        ActionKind.SUCCESSION,
        ActionKind.FORMAL_CONFIRMATION,
        ActionKind.CONSENT_UNSPECIFIED,
    }
)

#: Consent instruments that count toward the threshold of art. 38(1) (see the module docstring
#: for why succession and formal confirmation are included). REIO instruments never count.
THRESHOLD_KINDS = CONSENT_KINDS


class Status(StrEnum):
    """Standing of one participant towards one instrument on one date."""

    NONE = "none"  # no action yet
    SIGNATORY = "signatory"  # signed, no consent deposited
    CONTRACTING = "contracting"  # consent deposited, instrument not yet in force for it
    PARTY = "party"  # in force for it
    DENOUNCED = "denounced"  # denunciation has taken effect


@dataclass(frozen=True)
class Participant:
    """A State or a regional economic integration organization (REIO) such as the EU."""

    code: str
    is_reio: bool = False
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.code


@dataclass(frozen=True)
class Action:
    """One treaty action. ``date`` is the date of signature, of deposit of the instrument,
    or of receipt of the notification by the depositary."""

    participant: str
    instrument: str
    kind: ActionKind
    date: dt.date


@dataclass(frozen=True)
class Instrument:
    """The Convention (``parent=None``) or a Protocol (``parent`` = the Convention's code).

    ``official_entry_into_force`` is a sourced fact (UNTC); the rules still derive their own
    date from the known actions and report any disagreement. ``denunciation_delay_years`` is
    the "one year" of UNTOC art. 40(1), counted on the calendar; set
    ``denunciation_delay_days`` instead for a clause that counts days.
    """

    code: str
    parent: str | None = None
    threshold: int = 40
    initial_delay_days: int = 90
    later_delay_days: int = 30
    denunciation_delay_years: int = 1
    denunciation_delay_days: int | None = None
    official_entry_into_force: dt.date | None = None
    name: str = ""
    #: False while the known actions are only part of the real ones (the shipped data are
    #: excerpts). A Protocol action by a participant with no known consent to this Convention
    #: is then accepted with a note in ``unverified``, since the consent may simply be missing
    #: from the data; once the Convention's actions are complete such an action is refused.
    actions_complete: bool = True
    #: The known actions are complete up to this date (a table as it stood on a date), even if
    #: ``actions_complete`` is False: rules that need complete data apply to actions on or
    #: before it.
    actions_complete_until: dt.date | None = None
    #: Date of adoption; no action may precede it.
    adopted: dt.date | None = None
    #: First and last day of the period of signature given by the final clauses.
    signature_opens: dt.date | None = None
    signature_closes: dt.date | None = None
    #: "Subject to ratification, acceptance or approval" (UNTOC art. 36(3)): those three need
    #: a signature first (rule ``consent_without_signature``). False for an instrument whose
    #: clauses say otherwise, and in scenarios that leave signatures out.
    ratification_needs_signature: bool = False

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ValueError(f"{self.code}: the threshold must be at least one instrument.")
        if min(self.initial_delay_days, self.later_delay_days) < 0:
            raise ValueError(f"{self.code}: entry-into-force delays cannot be negative.")
        if self.later_delay_days > self.initial_delay_days:
            raise ValueError(
                f"{self.code}: later_delay_days ({self.later_delay_days}) must not exceed "
                f"initial_delay_days ({self.initial_delay_days}); the rules for later "
                "participants assume it."
            )
        if self.parent == self.code:
            raise ValueError(f"{self.code}: an instrument cannot be its own parent.")

    def complete_on(self, day: dt.date) -> bool:
        """Are all actions up to ``day`` known?"""
        if self.actions_complete:
            return True
        return self.actions_complete_until is not None and day <= self.actions_complete_until

    def denunciation_effective(self, received: dt.date) -> dt.date:
        """Date a denunciation received on ``received`` takes effect (UNTOC art. 40(1))."""
        if self.denunciation_delay_days is not None:
            return received + dt.timedelta(days=self.denunciation_delay_days)
        return add_years(received, self.denunciation_delay_years)


def add_years(day: dt.date, years: int) -> dt.date:
    """Same day and month ``years`` later; 29 February becomes 28 February in common years."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return day.replace(year=year)


@dataclass(frozen=True)
class Refusal:
    """An action the rules refuse; it is not taken into account. ``reason`` is a sentence.
    ``rule`` names the rule (one of ``RULES``) when it is one an exception may lift."""

    action: Action
    reason: str
    rule: str | None = None


#: The rules an action can break that a ``RuleException`` may lift (see the module docstring).
RULES = (
    "before_adoption",
    "in_the_future",
    "outside_signature_period",
    "consent_without_signature",
    "not_a_party_to_the_convention",
)


@dataclass(frozen=True)
class RuleException:
    """An action the depositary's record contains although ``rule`` forbids it, with the
    source that records it. Matches one action exactly (participant, instrument, kind, date)."""

    participant: str
    instrument: str
    kind: ActionKind
    date: dt.date
    rule: str
    source: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"{self.rule!r} is not a rule (known: {', '.join(RULES)}).")
        if not self.source.strip():
            raise ValueError("A rule exception needs its source.")

    @property
    def action(self) -> Action:
        return Action(self.participant, self.instrument, self.kind, self.date)


@dataclass(frozen=True)
class Discrepancy:
    """The official entry-into-force date disagrees with what the known actions imply.

    ``qualifying`` is how many instruments counting toward the threshold are known.
    """

    instrument: str
    official: dt.date | None
    derived: dt.date | None
    message: str
    qualifying: int = 0


@dataclass(frozen=True)
class Counts:
    """Head counts for one instrument on one date.

    * ``signatories``: participants that have signed on or before the date, whatever happened
      afterwards (the UNTC "signatories" column counts signatures ever made, including those
      of States that later ratified).
    * ``contracting``: consent deposited, instrument not yet in force for them, not denounced.
    * ``parties``: the instrument is in force for them (status ``PARTY``).
    * ``denounced``: their denunciation has taken effect.

    ``contracting``, ``parties`` and ``denounced`` are exclusive statuses; a participant can be
    among the signatories and in one of them.
    """

    signatories: int = 0
    contracting: int = 0
    parties: int = 0
    denounced: int = 0


@dataclass(frozen=True)
class InstrumentHistory:
    """A participant's dealings with one instrument, for its profile page."""

    instrument: str
    actions: tuple[Action, ...]
    refusals: tuple[Refusal, ...]
    signature: dt.date | None
    consent: Action | None
    in_force: dt.date | None
    denunciation: Action | None
    denunciation_effective: dt.date | None
    denounced_through: str | None  # the Convention's code when art. 40(3) applied


def gettext_noop(message: str) -> str:
    """Marks a msgid for extraction and returns it unchanged. ``gettext_noop`` is one of the
    keywords Django's ``makemessages`` passes to xgettext, so the sentences below land in the
    catalogues while this module stays free of Django. The engine translates them when it
    builds a message, with the ``translate`` callable it was given."""
    return message


def english_plural(singular: str, plural: str, number: int) -> str:
    """The default ``ntranslate``: English has one plural form. (The parsers use it too.)"""
    return singular if number == 1 else plural


# Article numbers of the final clauses, for the citations in refusals.
_DENUNCIATION_ARTICLE = {"UNTOC": "40", "TIP": "19", "SOM": "24", "FIREARMS": "20"}
_SIGNATURE_ARTICLE = {"UNTOC": "36", "TIP": "16", "SOM": "21", "FIREARMS": "17"}
_PROTOCOL_PARTY_ARTICLE = {"UNTOC": "37"}

# -- messages ---------------------------------------------------------------------------------
# Every sentence a user can see is one whole msgid with named placeholders, so a translator
# sees the complete sentence: one per kind of action where the verb or noun differs. A sentence
# that would name two kinds of action is joined from two whole clauses instead (see
# ``_REFUSAL``), so the tables grow with the kinds, not with their pairs.
# Placeholders: ``who`` (participant label), ``instrument`` (code), ``date`` (ISO date of the
# action), other ``*_date``/``effective`` ISO dates, ``parent`` (the Convention's code),
# ``cite`` (a citation built from ``_CITE``).
_K = ActionKind

_UNKNOWN_INSTRUMENT = {
    _K.SIGNATURE: gettext_noop(
        "%(who)s cannot sign %(instrument)s on %(date)s: no instrument with the code '%(instrument)s' is known."
    ),
    _K.RATIFICATION: gettext_noop(
        "%(who)s cannot ratify %(instrument)s on %(date)s: no instrument with the code '%(instrument)s' is known."
    ),
    _K.ACCEPTANCE: gettext_noop(
        "%(who)s cannot accept %(instrument)s on %(date)s: no instrument with the code '%(instrument)s' is known."
    ),
    _K.APPROVAL: gettext_noop(
        "%(who)s cannot approve %(instrument)s on %(date)s: no instrument with the code '%(instrument)s' is known."
    ),
    _K.ACCESSION: gettext_noop(
        "%(who)s cannot accede to %(instrument)s on %(date)s: no instrument with the code '%(instrument)s' is known."
    ),
    _K.SUCCESSION: gettext_noop(
        "%(who)s cannot succeed to %(instrument)s on %(date)s: no instrument with the code '%(instrument)s' is known."
    ),
    _K.FORMAL_CONFIRMATION: gettext_noop(
        "%(who)s cannot formally confirm %(instrument)s on %(date)s: no instrument with the code '%(instrument)s' is known."
    ),
    _K.CONSENT_UNSPECIFIED: gettext_noop(
        "%(who)s cannot consent to be bound by %(instrument)s on %(date)s: no instrument with the code '%(instrument)s' is known."
    ),
    _K.DENUNCIATION: gettext_noop(
        "%(who)s cannot denounce %(instrument)s on %(date)s: no instrument with the code '%(instrument)s' is known."
    ),
}
_UNKNOWN_PARTICIPANT = {
    _K.SIGNATURE: gettext_noop(
        "%(who)s cannot sign %(instrument)s on %(date)s: '%(who)s' is not a known participant."
    ),
    _K.RATIFICATION: gettext_noop(
        "%(who)s cannot ratify %(instrument)s on %(date)s: '%(who)s' is not a known participant."
    ),
    _K.ACCEPTANCE: gettext_noop(
        "%(who)s cannot accept %(instrument)s on %(date)s: '%(who)s' is not a known participant."
    ),
    _K.APPROVAL: gettext_noop(
        "%(who)s cannot approve %(instrument)s on %(date)s: '%(who)s' is not a known participant."
    ),
    _K.ACCESSION: gettext_noop(
        "%(who)s cannot accede to %(instrument)s on %(date)s: '%(who)s' is not a known participant."
    ),
    _K.SUCCESSION: gettext_noop(
        "%(who)s cannot succeed to %(instrument)s on %(date)s: '%(who)s' is not a known participant."
    ),
    _K.FORMAL_CONFIRMATION: gettext_noop(
        "%(who)s cannot formally confirm %(instrument)s on %(date)s: '%(who)s' is not a known participant."
    ),
    _K.CONSENT_UNSPECIFIED: gettext_noop(
        "%(who)s cannot consent to be bound by %(instrument)s on %(date)s: '%(who)s' is not a known participant."
    ),
    _K.DENUNCIATION: gettext_noop(
        "%(who)s cannot denounce %(instrument)s on %(date)s: '%(who)s' is not a known participant."
    ),
}
_SIGNED_AFTER_CONSENT = {
    _K.RATIFICATION: gettext_noop(
        "%(who)s cannot sign %(instrument)s on %(date)s: it already deposited its instrument of ratification on %(consent_date)s, so there is nothing left to sign."
    ),
    _K.ACCEPTANCE: gettext_noop(
        "%(who)s cannot sign %(instrument)s on %(date)s: it already deposited its instrument of acceptance on %(consent_date)s, so there is nothing left to sign."
    ),
    _K.APPROVAL: gettext_noop(
        "%(who)s cannot sign %(instrument)s on %(date)s: it already deposited its instrument of approval on %(consent_date)s, so there is nothing left to sign."
    ),
    _K.ACCESSION: gettext_noop(
        "%(who)s cannot sign %(instrument)s on %(date)s: it already deposited its instrument of accession on %(consent_date)s, so there is nothing left to sign."
    ),
    _K.SUCCESSION: gettext_noop(
        "%(who)s cannot sign %(instrument)s on %(date)s: it already deposited its notification of succession on %(consent_date)s, so there is nothing left to sign."
    ),
    _K.FORMAL_CONFIRMATION: gettext_noop(
        "%(who)s cannot sign %(instrument)s on %(date)s: it already deposited its instrument of formal confirmation on %(consent_date)s, so there is nothing left to sign."
    ),
    _K.CONSENT_UNSPECIFIED: gettext_noop(
        "%(who)s cannot sign %(instrument)s on %(date)s: it already deposited its instrument of consent (type not stated by the source) on %(consent_date)s, so there is nothing left to sign."
    ),
}
_JOINING_AFTER_DENUNCIATION = {
    _K.RATIFICATION: gettext_noop(
        "%(who)s cannot ratify %(instrument)s on %(date)s: it denounced %(instrument)s on %(notice_date)s (effective %(effective)s); joining again after a denunciation is not handled by these rules."
    ),
    _K.ACCEPTANCE: gettext_noop(
        "%(who)s cannot accept %(instrument)s on %(date)s: it denounced %(instrument)s on %(notice_date)s (effective %(effective)s); joining again after a denunciation is not handled by these rules."
    ),
    _K.APPROVAL: gettext_noop(
        "%(who)s cannot approve %(instrument)s on %(date)s: it denounced %(instrument)s on %(notice_date)s (effective %(effective)s); joining again after a denunciation is not handled by these rules."
    ),
    _K.ACCESSION: gettext_noop(
        "%(who)s cannot accede to %(instrument)s on %(date)s: it denounced %(instrument)s on %(notice_date)s (effective %(effective)s); joining again after a denunciation is not handled by these rules."
    ),
    _K.SUCCESSION: gettext_noop(
        "%(who)s cannot succeed to %(instrument)s on %(date)s: it denounced %(instrument)s on %(notice_date)s (effective %(effective)s); joining again after a denunciation is not handled by these rules."
    ),
    _K.FORMAL_CONFIRMATION: gettext_noop(
        "%(who)s cannot formally confirm %(instrument)s on %(date)s: it denounced %(instrument)s on %(notice_date)s (effective %(effective)s); joining again after a denunciation is not handled by these rules."
    ),
    _K.CONSENT_UNSPECIFIED: gettext_noop(
        "%(who)s cannot consent to be bound by %(instrument)s on %(date)s: it denounced %(instrument)s on %(notice_date)s (effective %(effective)s); joining again after a denunciation is not handled by these rules."
    ),
}
_NOT_A_PARTY = {
    _K.RATIFICATION: gettext_noop(
        "%(who)s cannot ratify %(instrument)s on %(date)s: it is not a party to the Convention (%(cite)s)."
    ),
    _K.ACCEPTANCE: gettext_noop(
        "%(who)s cannot accept %(instrument)s on %(date)s: it is not a party to the Convention (%(cite)s)."
    ),
    _K.APPROVAL: gettext_noop(
        "%(who)s cannot approve %(instrument)s on %(date)s: it is not a party to the Convention (%(cite)s)."
    ),
    _K.ACCESSION: gettext_noop(
        "%(who)s cannot accede to %(instrument)s on %(date)s: it is not a party to the Convention (%(cite)s)."
    ),
    _K.SUCCESSION: gettext_noop(
        "%(who)s cannot succeed to %(instrument)s on %(date)s: it is not a party to the Convention (%(cite)s)."
    ),
    _K.FORMAL_CONFIRMATION: gettext_noop(
        "%(who)s cannot formally confirm %(instrument)s on %(date)s: it is not a party to the Convention (%(cite)s)."
    ),
    _K.CONSENT_UNSPECIFIED: gettext_noop(
        "%(who)s cannot consent to be bound by %(instrument)s on %(date)s: it is not a party to the Convention (%(cite)s)."
    ),
}
_NO_LONGER_A_PARTY = {
    _K.RATIFICATION: gettext_noop(
        "%(who)s cannot ratify %(instrument)s on %(date)s: its denunciation of %(parent)s took effect on %(effective)s, so it is no longer a party to the Convention (%(cite)s)."
    ),
    _K.ACCEPTANCE: gettext_noop(
        "%(who)s cannot accept %(instrument)s on %(date)s: its denunciation of %(parent)s took effect on %(effective)s, so it is no longer a party to the Convention (%(cite)s)."
    ),
    _K.APPROVAL: gettext_noop(
        "%(who)s cannot approve %(instrument)s on %(date)s: its denunciation of %(parent)s took effect on %(effective)s, so it is no longer a party to the Convention (%(cite)s)."
    ),
    _K.ACCESSION: gettext_noop(
        "%(who)s cannot accede to %(instrument)s on %(date)s: its denunciation of %(parent)s took effect on %(effective)s, so it is no longer a party to the Convention (%(cite)s)."
    ),
    _K.SUCCESSION: gettext_noop(
        "%(who)s cannot succeed to %(instrument)s on %(date)s: its denunciation of %(parent)s took effect on %(effective)s, so it is no longer a party to the Convention (%(cite)s)."
    ),
    _K.FORMAL_CONFIRMATION: gettext_noop(
        "%(who)s cannot formally confirm %(instrument)s on %(date)s: its denunciation of %(parent)s took effect on %(effective)s, so it is no longer a party to the Convention (%(cite)s)."
    ),
    _K.CONSENT_UNSPECIFIED: gettext_noop(
        "%(who)s cannot consent to be bound by %(instrument)s on %(date)s: its denunciation of %(parent)s took effect on %(effective)s, so it is no longer a party to the Convention (%(cite)s)."
    ),
}
_DENOUNCED_BEFORE_CONSENT = {
    _K.RATIFICATION: gettext_noop(
        "%(who)s cannot denounce %(instrument)s on %(date)s: its instrument of ratification is dated %(consent_date)s, later than the notice; only a Party may denounce (%(cite)s)."
    ),
    _K.ACCEPTANCE: gettext_noop(
        "%(who)s cannot denounce %(instrument)s on %(date)s: its instrument of acceptance is dated %(consent_date)s, later than the notice; only a Party may denounce (%(cite)s)."
    ),
    _K.APPROVAL: gettext_noop(
        "%(who)s cannot denounce %(instrument)s on %(date)s: its instrument of approval is dated %(consent_date)s, later than the notice; only a Party may denounce (%(cite)s)."
    ),
    _K.ACCESSION: gettext_noop(
        "%(who)s cannot denounce %(instrument)s on %(date)s: its instrument of accession is dated %(consent_date)s, later than the notice; only a Party may denounce (%(cite)s)."
    ),
    _K.SUCCESSION: gettext_noop(
        "%(who)s cannot denounce %(instrument)s on %(date)s: its notification of succession is dated %(consent_date)s, later than the notice; only a Party may denounce (%(cite)s)."
    ),
    _K.FORMAL_CONFIRMATION: gettext_noop(
        "%(who)s cannot denounce %(instrument)s on %(date)s: its instrument of formal confirmation is dated %(consent_date)s, later than the notice; only a Party may denounce (%(cite)s)."
    ),
    _K.CONSENT_UNSPECIFIED: gettext_noop(
        "%(who)s cannot denounce %(instrument)s on %(date)s: its instrument of consent (type not stated by the source) is dated %(consent_date)s, later than the notice; only a Party may denounce (%(cite)s)."
    ),
}
_UNVERIFIED = {
    _K.RATIFICATION: gettext_noop(
        "%(who)s's instrument of ratification of %(instrument)s (%(date)s) is accepted but not verified: no consent to %(parent)s is known for it, and the known %(parent)s actions are incomplete (%(cite)s)."
    ),
    _K.ACCEPTANCE: gettext_noop(
        "%(who)s's instrument of acceptance of %(instrument)s (%(date)s) is accepted but not verified: no consent to %(parent)s is known for it, and the known %(parent)s actions are incomplete (%(cite)s)."
    ),
    _K.APPROVAL: gettext_noop(
        "%(who)s's instrument of approval of %(instrument)s (%(date)s) is accepted but not verified: no consent to %(parent)s is known for it, and the known %(parent)s actions are incomplete (%(cite)s)."
    ),
    _K.ACCESSION: gettext_noop(
        "%(who)s's instrument of accession of %(instrument)s (%(date)s) is accepted but not verified: no consent to %(parent)s is known for it, and the known %(parent)s actions are incomplete (%(cite)s)."
    ),
    _K.SUCCESSION: gettext_noop(
        "%(who)s's notification of succession of %(instrument)s (%(date)s) is accepted but not verified: no consent to %(parent)s is known for it, and the known %(parent)s actions are incomplete (%(cite)s)."
    ),
    _K.FORMAL_CONFIRMATION: gettext_noop(
        "%(who)s's instrument of formal confirmation of %(instrument)s (%(date)s) is accepted but not verified: no consent to %(parent)s is known for it, and the known %(parent)s actions are incomplete (%(cite)s)."
    ),
    _K.CONSENT_UNSPECIFIED: gettext_noop(
        "%(who)s's instrument of consent (type not stated by the source) of %(instrument)s (%(date)s) is accepted but not verified: no consent to %(parent)s is known for it, and the known %(parent)s actions are incomplete (%(cite)s)."
    ),
}
# A refusal that names two kinds of action (the one refused, and the participant's earlier
# instrument) is joined by ``_REFUSAL`` from two whole clauses, each keyed by one kind: the
# refused action (``_REFUSED_ACTION``) and the reason (``_ALREADY_BOUND_BY``,
# ``_NOT_YET_A_PARTY_SINCE``), 7 + 7 + 7 clauses and one frame instead of 2 x 49 sentences.
_REFUSED_ACTION = {
    # Translators: a clause, completed by a reason in "%(refused_action)s: %(reason)s."
    _K.SIGNATURE: gettext_noop("%(who)s cannot sign %(instrument)s on %(date)s"),
    _K.RATIFICATION: gettext_noop("%(who)s cannot ratify %(instrument)s on %(date)s"),
    _K.ACCEPTANCE: gettext_noop("%(who)s cannot accept %(instrument)s on %(date)s"),
    _K.APPROVAL: gettext_noop("%(who)s cannot approve %(instrument)s on %(date)s"),
    _K.ACCESSION: gettext_noop("%(who)s cannot accede to %(instrument)s on %(date)s"),
    _K.SUCCESSION: gettext_noop("%(who)s cannot succeed to %(instrument)s on %(date)s"),
    _K.FORMAL_CONFIRMATION: gettext_noop(
        "%(who)s cannot formally confirm %(instrument)s on %(date)s"
    ),
    _K.CONSENT_UNSPECIFIED: gettext_noop(
        "%(who)s cannot consent to be bound by %(instrument)s on %(date)s"
    ),
    _K.DENUNCIATION: gettext_noop("%(who)s cannot denounce %(instrument)s on %(date)s"),
}
# Reasons for facts that cannot be (see "Facts that cannot be" in the module docstring), each
# completing a ``_REFUSED_ACTION`` clause in ``_REFUSAL``.
_IN_THE_FUTURE = gettext_noop(
    # Translators: the reason in "%(refused_action)s: %(reason)s."
    "that date is later than today (%(today)s); record an action once the depositary has received it"
)
_BEFORE_ADOPTION = gettext_noop(
    # Translators: the reason in "%(refused_action)s: %(reason)s."
    "that date is before %(instrument)s was adopted, on %(adopted)s, and no action can precede its adoption"
)
_OUTSIDE_SIGNATURE_PERIOD = gettext_noop(
    # Translators: the reason in "%(refused_action)s: %(reason)s."
    "%(instrument)s was open for signature only from %(opens)s to %(closes)s (%(cite)s); a State that did not sign in that period accedes instead"
)
_CONSENT_WITHOUT_SIGNATURE = gettext_noop(
    # Translators: the reason in "%(refused_action)s: %(reason)s."
    "it has not signed %(instrument)s, and only a signatory ratifies, accepts or approves it; a State that did not sign accedes (%(cite)s)"
)
_UNVERIFIED_SIGNATURE = gettext_noop(
    "%(who)s's consent to %(instrument)s of %(date)s is accepted but not verified: no signature by %(who)s is known, and the known %(instrument)s actions of that date are incomplete (%(cite)s)."
)
_EXCEPTED = gettext_noop("Accepted as the depositary's record has it (source: %(source)s).")
_EIF_BEFORE_ADOPTION = gettext_noop(
    "The entry into force of %(instrument)s cannot be on %(date)s: it was adopted on %(adopted)s, and it enters into force at the earliest on the %(days)sth day after the deposit of the instruments needed, so not before %(earliest)s."
)
_EIF_WITHOUT_SOURCE = gettext_noop(
    "The entry into force of %(instrument)s on %(date)s is a sourced fact: give the address of its source (e.g. the UN Treaty Collection status page)."
)
_ALREADY_BOUND_BY = {
    # Translators: the reason in "%(refused_action)s: %(reason)s."; "it" is the participant.
    _K.RATIFICATION: gettext_noop(
        "it is already bound by its instrument of ratification of %(consent_date)s; a second instrument is a duplicate"
    ),
    _K.ACCEPTANCE: gettext_noop(
        "it is already bound by its instrument of acceptance of %(consent_date)s; a second instrument is a duplicate"
    ),
    _K.APPROVAL: gettext_noop(
        "it is already bound by its instrument of approval of %(consent_date)s; a second instrument is a duplicate"
    ),
    _K.ACCESSION: gettext_noop(
        "it is already bound by its instrument of accession of %(consent_date)s; a second instrument is a duplicate"
    ),
    _K.SUCCESSION: gettext_noop(
        "it is already bound by its notification of succession of %(consent_date)s; a second instrument is a duplicate"
    ),
    _K.FORMAL_CONFIRMATION: gettext_noop(
        "it is already bound by its instrument of formal confirmation of %(consent_date)s; a second instrument is a duplicate"
    ),
    _K.CONSENT_UNSPECIFIED: gettext_noop(
        "it is already bound by its instrument of consent (type not stated by the source) of %(consent_date)s; a second instrument is a duplicate"
    ),
}
_NOT_YET_A_PARTY_SINCE = {
    # Translators: the reason in "%(refused_action)s: %(reason)s."; "it" is the participant.
    _K.RATIFICATION: gettext_noop(
        "it is not yet a party to the Convention (%(parent)s); its instrument of ratification is dated %(consent_date)s (%(cite)s)"
    ),
    _K.ACCEPTANCE: gettext_noop(
        "it is not yet a party to the Convention (%(parent)s); its instrument of acceptance is dated %(consent_date)s (%(cite)s)"
    ),
    _K.APPROVAL: gettext_noop(
        "it is not yet a party to the Convention (%(parent)s); its instrument of approval is dated %(consent_date)s (%(cite)s)"
    ),
    _K.ACCESSION: gettext_noop(
        "it is not yet a party to the Convention (%(parent)s); its instrument of accession is dated %(consent_date)s (%(cite)s)"
    ),
    _K.SUCCESSION: gettext_noop(
        "it is not yet a party to the Convention (%(parent)s); its notification of succession is dated %(consent_date)s (%(cite)s)"
    ),
    _K.FORMAL_CONFIRMATION: gettext_noop(
        "it is not yet a party to the Convention (%(parent)s); its instrument of formal confirmation is dated %(consent_date)s (%(cite)s)"
    ),
    _K.CONSENT_UNSPECIFIED: gettext_noop(
        "it is not yet a party to the Convention (%(parent)s); its instrument of consent (type not stated by the source) is dated %(consent_date)s (%(cite)s)"
    ),
}
# Translators: a refusal of a treaty action, joined from two clauses: e.g. "Testland cannot
# accede to UNTOC on 2021-01-01" and "it is already bound by its instrument of ratification of
# 2020-02-02; a second instrument is a duplicate".
_REFUSAL = gettext_noop("%(refused_action)s: %(reason)s.")

_ALREADY_SIGNED = gettext_noop(
    "%(who)s cannot sign %(instrument)s on %(date)s: it already signed it on %(signature_date)s."
)
_DENOUNCED_WITHOUT_CONSENT = gettext_noop(
    "%(who)s cannot denounce %(instrument)s on %(date)s: it has not consented to be bound by it, and only a Party may (%(cite)s)."
)
_ALREADY_DENOUNCED = gettext_noop(
    "%(who)s cannot denounce %(instrument)s on %(date)s: it already gave notice of denunciation on %(notice_date)s (effective %(effective)s)."
)
_DENOUNCED_WITH_THE_CONVENTION = gettext_noop(
    "%(who)s cannot denounce %(instrument)s on %(date)s: its denunciation of %(parent)s, effective %(effective)s, already entailed the denunciation of %(instrument)s (%(cite)s)."
)
_CITE = gettext_noop("%(code)s art. %(article)s(%(paragraph)s)")
_CITE_FINAL_CLAUSES = gettext_noop("the final clauses of %(code)s")
_DISCREPANCY_IMPLIED = gettext_noop(
    "Known actions imply %(derived)s but the official date is %(official)s. The %(ordinal)s qualifying instrument known for %(code)s is %(participant)s's of %(deposit_date)s; using the official date."
)
_DISCREPANCY_IMPLIED_PARENT = gettext_noop(
    "Known actions imply %(derived)s but the official date is %(official)s. The %(ordinal)s qualifying instrument known for %(code)s is %(participant)s's of %(deposit_date)s, and %(code)s cannot enter into force before %(parent)s; using the official date."
)
_ORDINAL_SUFFIX = {
    "st": gettext_noop("%(number)sst"),
    "nd": gettext_noop("%(number)snd"),
    "rd": gettext_noop("%(number)srd"),
    "th": gettext_noop("%(number)sth"),
}


#: Consent that presupposes a signature (art. 36(3)); accession and succession do not.
_NEEDS_SIGNATURE = frozenset({_K.RATIFICATION, _K.ACCEPTANCE, _K.APPROVAL})


def check_entry_into_force(
    instrument: Instrument,
    day: dt.date | None,
    source: str,
    *,
    translate: Callable[[str], str] = gettext_noop,
) -> list[str]:
    """Why an official entry-into-force date cannot be recorded (empty if it can): not earlier
    than the ``initial_delay_days``-th day after adoption (the fortieth instrument cannot be
    deposited before the instrument exists), and a sourced fact needs its source."""
    if day is None:
        return []
    problems = []
    params = {"instrument": instrument.code, "date": day.isoformat()}
    if instrument.adopted is not None:
        earliest = instrument.adopted + dt.timedelta(days=instrument.initial_delay_days)
        if day < earliest:
            problems.append(
                translate(_EIF_BEFORE_ADOPTION)
                % {
                    **params,
                    "adopted": instrument.adopted.isoformat(),
                    "days": instrument.initial_delay_days,
                    "earliest": earliest.isoformat(),
                }
            )
    if not source.strip():
        problems.append(translate(_EIF_WITHOUT_SOURCE) % params)
    return problems


def _rank(kind: ActionKind) -> int:
    """Same-day order for one participant: signature, then consent, then denunciation."""
    if kind is ActionKind.SIGNATURE:
        return 0
    return 2 if kind is ActionKind.DENUNCIATION else 1


@dataclass
class _Record:
    """Working state of one participant towards one instrument."""

    participant: str
    instrument: str
    actions: list[Action] = field(default_factory=list)
    signature: Action | None = None
    consent: Action | None = None
    denunciation: Action | None = None
    denunciation_effective: dt.date | None = None
    denounced_through: str | None = None
    in_force: dt.date | None = None

    def status(self, on: dt.date) -> Status:
        if self.denunciation_effective is not None and on >= self.denunciation_effective:
            return Status.DENOUNCED
        if self.in_force is not None and on >= self.in_force:
            return Status.PARTY
        if self.consent is not None and on >= self.consent.date:
            return Status.CONTRACTING
        if self.signature is not None and on >= self.signature.date:
            return Status.SIGNATORY
        return Status.NONE

    def transitions(self) -> list[tuple[dt.date, Status, Status]]:
        """(date, old status, new status) for every change, derived from ``status`` itself."""
        points = sorted(
            {
                day
                for day in (
                    self.signature.date if self.signature else None,
                    self.consent.date if self.consent else None,
                    self.in_force,
                    self.denunciation_effective,
                )
                if day is not None
            }
        )
        changes, previous = [], Status.NONE
        for day in points:
            current = self.status(day)
            if current != previous:
                changes.append((day, previous, current))
                previous = current
        return changes


_COUNTED = {
    Status.CONTRACTING: "contracting",
    Status.PARTY: "parties",
    Status.DENOUNCED: "denounced",
}


class TreatyEngine:
    """Applies the final clauses to a set of actions. See the module docstring for the rules.

    Construction sorts the actions (date, Convention before Protocols, signature before consent
    before denunciation, participant, instrument) and checks each against the rules; a refused
    action is recorded in ``refusals`` and ignored. Then the entry-into-force dates are derived
    (Convention first), each participant's own date, the art. 40(3) cascade, and any
    disagreement with the official dates in ``discrepancies``. Cost: O(n log n) in the number of
    actions; ``status`` is O(1) and ``statuses``/``counts`` are O(participants) date comparisons.

    Messages (``Refusal.reason``, ``unverified``, ``Discrepancy.message``) are English unless
    ``translate`` (a ``gettext``) and ``ntranslate`` (an ``ngettext``) are given; they are
    applied to each msgid (a whole sentence, or a whole clause of a refusal joined by
    ``_REFUSAL``) before its placeholders are filled, when the message is built (at
    construction, or in ``validate``). Dates stay ISO (YYYY-MM-DD) and
    participant labels and instrument codes are data, inserted as they are.
    """

    def __init__(
        self,
        instruments: Iterable[Instrument],
        participants: Iterable[Participant],
        actions: Iterable[Action],
        *,
        translate: Callable[[str], str] = gettext_noop,
        ntranslate: Callable[[str, str, int], str] = english_plural,
        exceptions: Iterable[RuleException] = (),
        today: dt.date | None = None,
    ) -> None:
        self._translate = translate
        self._ntranslate = ntranslate
        #: Actions dated after this day are refused (``in_the_future``).
        self.today = today or dt.date.today()
        self._exceptions: dict[tuple[Action, str], RuleException] = {
            (exception.action, exception.rule): exception for exception in exceptions
        }
        #: Accepted actions that break a rule but are recorded so by the depositary: the
        #: refusal they escaped, its reason followed by the exception's source.
        self.excepted: list[Refusal] = []
        self._lifted: list[Refusal] = []
        self._rule: str | None = None
        self._instruments: dict[str, Instrument] = {}
        for instrument in instruments:
            if instrument.code in self._instruments:
                raise ValueError(f"Instrument {instrument.code} is given twice.")
            self._instruments[instrument.code] = instrument
        self._participants: dict[str, Participant] = {}
        for participant in participants:
            if participant.code in self._participants:
                raise ValueError(f"Participant {participant.code} is given twice.")
            self._participants[participant.code] = participant
        self._depth = {code: self._depth_of(code) for code in self._instruments}
        #: Instrument codes, the Convention before its Protocols, then alphabetical.
        self.instrument_order: list[str] = sorted(
            self._instruments, key=lambda code: (self._depth[code], code)
        )
        self._children: dict[str, list[str]] = defaultdict(list)
        for code in self.instrument_order:
            parent = self._instruments[code].parent
            if parent is not None:
                self._children[parent].append(code)

        self._records: dict[str, dict[str, _Record]] = {code: {} for code in self._instruments}
        self.refusals: list[Refusal] = []
        #: Accepted actions the rules could not verify because the data are partial.
        self.unverified: list[Refusal] = []
        self._unverified_reason: str | None = None
        for action in sorted(actions, key=self._sort_key):
            self._unverified_reason, self._lifted, self._rule = None, [], None
            reason = self._check(action)
            if reason is not None:
                self.refusals.append(Refusal(action, reason, self._rule))
            else:
                if self._unverified_reason:
                    self.unverified.append(Refusal(action, self._unverified_reason))
                self.excepted.extend(self._lifted)
                self._apply(action)

        self._cascade_denunciations()
        self._qualifying: dict[str, list[Action]] = {}
        self._derived: dict[str, dt.date | None] = {}
        for code in self.instrument_order:
            self._derive(code)
            self._derive_participants(code)
        self.discrepancies: list[Discrepancy] = [
            d for d in (self._discrepancy(code) for code in self.instrument_order) if d
        ]

    # -- construction -----------------------------------------------------------------------

    def _depth_of(self, code: str) -> int:
        depth, seen, current = 0, {code}, self._instruments[code]
        while current.parent is not None:
            if current.parent not in self._instruments:
                raise ValueError(f"{current.code}: its parent {current.parent} is not given.")
            if current.parent in seen:
                raise ValueError(f"{code}: the parent chain loops back on itself.")
            seen.add(current.parent)
            current = self._instruments[current.parent]
            depth += 1
        return depth

    def _sort_key(self, action: Action) -> tuple:
        return (
            action.date,
            self._depth.get(action.instrument, 0),
            _rank(action.kind),
            action.participant,
            action.instrument,
            action.kind.value,
        )

    def _label(self, participant: str) -> str:
        known = self._participants.get(participant)
        return known.label if known else participant

    # -- messages ---------------------------------------------------------------------------

    def _message(self, msgid: str, **params: object) -> str:
        """Translate a whole-sentence msgid, then fill its placeholders. Dates are ISO."""
        return self._translate(msgid) % _format_params(params)

    def _plural(self, singular: str, plural: str, count: int, **params: object) -> str:
        return self._ntranslate(singular, plural, count) % _format_params(
            {**params, "count": count}
        )

    def ngettext(self, singular: str, plural: str, count: int, **params: object) -> str:
        """``_plural`` under the name xgettext extracts by default (``ngettext:1,2``)."""
        return self._plural(singular, plural, count, **params)

    def _joined(self, action: Action, head: dict, reason: str, **params: object) -> str:
        """A refusal joined from two clauses: the refused action, and ``reason`` (a clause
        msgid keyed by the kind of an earlier instrument), each translated whole."""
        return self._message(
            _REFUSAL,
            refused_action=self._message(_REFUSED_ACTION[action.kind], **head),
            reason=self._message(reason, **head, **params),
        )

    def _cite(self, code: str, articles: dict[str, str], paragraph: str) -> str:
        article = articles.get(code)
        if article is None:
            return self._message(_CITE_FINAL_CLAUSES, code=code)
        return self._message(_CITE, code=code, article=article, paragraph=paragraph)

    def _ordinal(self, number: int) -> str:
        if 10 <= number % 100 <= 20:
            suffix = "th"
        else:
            suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        return self._message(_ORDINAL_SUFFIX[suffix], number=number)

    # -- checks -----------------------------------------------------------------------------

    def _check(self, action: Action) -> str | None:
        """The reason ``action`` is refused given the actions accepted so far, or None."""
        head = {
            "who": self._label(action.participant),
            "instrument": action.instrument,
            "date": action.date,
        }
        instrument = self._instruments.get(action.instrument)
        if instrument is None:
            return self._message(_UNKNOWN_INSTRUMENT[action.kind], **head)
        if action.participant not in self._participants:
            return self._message(_UNKNOWN_PARTICIPANT[action.kind], **head)
        record = self._records[action.instrument].get(action.participant)
        for rule, reason in self._impossible_facts(head, action, instrument, record):
            if not self._lift(action, rule, reason):
                return reason
        if action.kind is ActionKind.SIGNATURE:
            return self._check_signature(head, record)
        if action.kind is ActionKind.DENUNCIATION:
            return self._check_denunciation(head, action, instrument, record)
        return self._check_consent(head, action, instrument, record)

    def _lift(self, action: Action, rule: str, reason: str) -> bool:
        """True if a ``RuleException`` lifts ``rule`` for ``action`` (noted for ``excepted``);
        else False, and ``rule`` is what refused it."""
        exception = self._exceptions.get((action, rule))
        if exception is None:
            self._rule = rule
            return False
        note = join_sentences(reason, self._message(_EXCEPTED, source=exception.source))
        self._lifted.append(Refusal(action, note, rule))
        return True

    def _note_unverified(self, message: str) -> None:
        previous = self._unverified_reason
        self._unverified_reason = join_sentences(previous, message) if previous else message

    def _impossible_facts(
        self, head: dict, action: Action, instrument: Instrument, record: _Record | None
    ) -> Iterator[tuple[str, str]]:
        """(rule, reason) for each fact the final clauses rule out (module docstring)."""
        if action.date > self.today:
            yield "in_the_future", self._joined(action, head, _IN_THE_FUTURE, today=self.today)
        if instrument.adopted is not None and action.date < instrument.adopted:
            yield (
                "before_adoption",
                self._joined(action, head, _BEFORE_ADOPTION, adopted=instrument.adopted),
            )
        if action.kind is ActionKind.SIGNATURE:
            opens, closes = instrument.signature_opens, instrument.signature_closes
            if (opens and action.date < opens) or (closes and action.date > closes):
                yield (
                    "outside_signature_period",
                    self._joined(
                        action,
                        head,
                        _OUTSIDE_SIGNATURE_PERIOD,
                        opens=opens or instrument.adopted or "—",
                        closes=closes or "—",
                        cite=self._cite(action.instrument, _SIGNATURE_ARTICLE, "1"),
                    ),
                )
        elif (
            instrument.ratification_needs_signature
            and action.kind in _NEEDS_SIGNATURE
            and (record is None or record.signature is None)
        ):
            cite = self._cite(action.instrument, _SIGNATURE_ARTICLE, "3")
            if instrument.complete_on(action.date):
                yield (
                    "consent_without_signature",
                    self._joined(action, head, _CONSENT_WITHOUT_SIGNATURE, cite=cite),
                )
            else:
                self._note_unverified(self._message(_UNVERIFIED_SIGNATURE, **head, cite=cite))

    def _check_signature(self, head: dict, record: _Record | None) -> str | None:
        if record is None:
            return None
        if record.signature is not None:
            return self._message(_ALREADY_SIGNED, **head, signature_date=record.signature.date)
        if record.consent is not None:
            consent = record.consent
            return self._message(
                _SIGNED_AFTER_CONSENT[consent.kind], **head, consent_date=consent.date
            )
        return None

    def _check_consent(
        self, head: dict, action: Action, instrument: Instrument, record: _Record | None
    ) -> str | None:
        if record is not None and record.denunciation is not None:
            return self._message(
                _JOINING_AFTER_DENUNCIATION[action.kind],
                **head,
                notice_date=record.denunciation.date,
                effective=record.denunciation_effective,
            )
        if record is not None and record.consent is not None:
            consent = record.consent
            return self._joined(
                action, head, _ALREADY_BOUND_BY[consent.kind], consent_date=consent.date
            )
        parent = instrument.parent
        if parent is None:
            return None
        cite = self._cite(parent, _PROTOCOL_PARTY_ARTICLE, "2")
        parent_record = self._records[parent].get(action.participant)
        parent_consent = parent_record.consent if parent_record else None
        if parent_consent is None:
            if not self._instruments[parent].complete_on(action.date):
                self._note_unverified(
                    self._message(_UNVERIFIED[action.kind], **head, parent=parent, cite=cite)
                )
                return None
            reason = self._message(_NOT_A_PARTY[action.kind], **head, cite=cite)
            return None if self._lift(action, "not_a_party_to_the_convention", reason) else reason
        if parent_consent.date > action.date:
            return self._joined(
                action,
                head,
                _NOT_YET_A_PARTY_SINCE[parent_consent.kind],
                parent=parent,
                consent_date=parent_consent.date,
                cite=cite,
            )
        effective = parent_record.denunciation_effective if parent_record else None
        if effective is not None and effective <= action.date:
            return self._message(
                _NO_LONGER_A_PARTY[action.kind],
                **head,
                parent=parent,
                effective=effective,
                cite=cite,
            )
        return None

    def _check_denunciation(
        self, head: dict, action: Action, instrument: Instrument, record: _Record | None
    ) -> str | None:
        cite = self._cite(action.instrument, _DENUNCIATION_ARTICLE, "1")
        if record is None or record.consent is None:
            return self._message(_DENOUNCED_WITHOUT_CONSENT, **head, cite=cite)
        if record.consent.date > action.date:
            return self._message(
                _DENOUNCED_BEFORE_CONSENT[record.consent.kind],
                **head,
                consent_date=record.consent.date,
                cite=cite,
            )
        if record.denunciation is not None:
            return self._message(
                _ALREADY_DENOUNCED,
                **head,
                notice_date=record.denunciation.date,
                effective=record.denunciation_effective,
            )
        if instrument.parent is not None:
            parent_record = self._records[instrument.parent].get(action.participant)
            effective = parent_record.denunciation_effective if parent_record else None
            if effective is not None and effective <= action.date:
                return self._message(
                    _DENOUNCED_WITH_THE_CONVENTION,
                    **head,
                    parent=instrument.parent,
                    effective=effective,
                    cite=self._cite(instrument.parent, _DENUNCIATION_ARTICLE, "3"),
                )
        return None

    def _apply(self, action: Action) -> None:
        records = self._records[action.instrument]
        record = records.get(action.participant)
        if record is None:
            record = records[action.participant] = _Record(action.participant, action.instrument)
        record.actions.append(action)
        if action.kind is ActionKind.SIGNATURE:
            record.signature = action
        elif action.kind is ActionKind.DENUNCIATION:
            record.denunciation = action
            instrument = self._instruments[action.instrument]
            record.denunciation_effective = instrument.denunciation_effective(action.date)
        else:
            record.consent = action

    def _cascade_denunciations(self) -> None:
        """UNTOC art. 40(3): denouncing the Convention denounces its Protocols, same date."""
        for code in self.instrument_order:  # parents first, so cascades run down the chain
            for record in self._records[code].values():
                effective = record.denunciation_effective
                if effective is None:
                    continue
                for child in self._children.get(code, ()):
                    child_record = self._records[child].get(record.participant)
                    if child_record is None or child_record.consent is None:
                        continue
                    own = child_record.denunciation_effective
                    if own is None or effective < own:
                        child_record.denunciation_effective = effective
                        child_record.denounced_through = record.denounced_through or code

    def _derive(self, code: str) -> None:
        """Art. 38(1) and Protocol equivalents: 90th day after the 40th counted instrument."""
        instrument = self._instruments[code]
        qualifying = sorted(
            (
                record.consent
                for record in self._records[code].values()
                if record.consent is not None
                and record.consent.kind in THRESHOLD_KINDS
                and not self._participants[record.participant].is_reio
            ),
            key=lambda action: (action.date, action.participant),
        )
        self._qualifying[code] = qualifying
        if len(qualifying) < instrument.threshold:
            self._derived[code] = None
            return
        own = qualifying[instrument.threshold - 1].date + dt.timedelta(
            days=instrument.initial_delay_days
        )
        if instrument.parent is not None:
            parent_date = self.entry_into_force(instrument.parent)
            if parent_date is None:
                self._derived[code] = None
                return
            own = max(own, parent_date)
        self._derived[code] = own

    def _derive_participants(self, code: str) -> None:
        """Art. 38(2) and Protocol equivalents; see the module docstring for the formula."""
        instrument = self._instruments[code]
        general = self.entry_into_force(code)
        for record in self._records[code].values():
            record.in_force = None
            if record.consent is None or general is None:
                continue
            day = max(general, record.consent.date + dt.timedelta(days=instrument.later_delay_days))
            if instrument.parent is not None:
                parent_record = self._records[instrument.parent].get(record.participant)
                parent_day = parent_record.in_force if parent_record else None
                if parent_day is not None:
                    day = max(day, parent_day)
                elif parent_record is not None and parent_record.consent is not None:
                    continue  # bound to the Convention, but it is not in force for it
                elif self._instruments[instrument.parent].complete_on(record.consent.date):
                    continue
                # else: the Convention's known actions are incomplete and this participant's
                # consent to it is missing from them (an ``unverified`` action): apply the
                # Protocol's own clause only.
            if record.denunciation_effective is not None and record.denunciation_effective <= day:
                continue  # denounced before it could enter into force for this participant
            record.in_force = day

    def _discrepancy(self, code: str) -> Discrepancy | None:
        instrument = self._instruments[code]
        official, derived = instrument.official_entry_into_force, self._derived[code]
        if official is None or official == derived:
            return None
        qualifying = self._qualifying[code]
        known = len(qualifying)
        facts = {"code": code, "official": official, "parent": instrument.parent}
        if derived is None:
            if known < instrument.threshold:
                latest = official - dt.timedelta(days=instrument.initial_delay_days)
                by_then = sum(1 for action in qualifying if action.date <= latest)
                message = join_sentences(
                    self.ngettext(
                        "Known actions give only %(count)s qualifying instrument for %(code)s, fewer than the %(threshold)s needed; using the official date %(official)s (sourced).",
                        "Known actions give only %(count)s qualifying instruments for %(code)s, fewer than the %(threshold)s needed; using the official date %(official)s (sourced).",
                        known,
                        **facts,
                        threshold=instrument.threshold,
                    ),
                    self.ngettext(
                        "%(count)s of them was deposited on or before %(latest)s, the latest date on which the %(ordinal)s instrument can have been deposited for entry into force on %(official)s.",
                        "%(count)s of them were deposited on or before %(latest)s, the latest date on which the %(ordinal)s instrument can have been deposited for entry into force on %(official)s.",
                        by_then,
                        **facts,
                        latest=latest,
                        ordinal=self._ordinal(instrument.threshold),
                    ),
                )
            else:
                message = self.ngettext(
                    "Known actions give %(count)s qualifying instrument for %(code)s, but the Convention %(parent)s has no known entry into force, which %(code)s cannot precede; using the official date %(official)s (sourced).",
                    "Known actions give %(count)s qualifying instruments for %(code)s, but the Convention %(parent)s has no known entry into force, which %(code)s cannot precede; using the official date %(official)s (sourced).",
                    known,
                    **facts,
                )
        else:
            nth = qualifying[instrument.threshold - 1]
            behind_parent = instrument.parent is not None and derived == self.entry_into_force(
                instrument.parent
            )
            message = self._message(
                _DISCREPANCY_IMPLIED_PARENT if behind_parent else _DISCREPANCY_IMPLIED,
                **facts,
                derived=derived,
                ordinal=self._ordinal(instrument.threshold),
                participant=self._label(nth.participant),
                deposit_date=nth.date,
            )
        return Discrepancy(code, official, derived, message, known)

    # -- queries ----------------------------------------------------------------------------

    def _instrument(self, code: str) -> Instrument:
        try:
            return self._instruments[code]
        except KeyError:
            raise KeyError(f"No instrument with the code {code!r} is known.") from None

    def instrument(self, code: str) -> Instrument:
        return self._instrument(code)

    def participant(self, code: str) -> Participant:
        return self._participants[code]

    def validate(self, action: Action) -> Refusal | None:
        """Would ``action`` be refused, given the actions already accepted? Same rules as at
        construction; the engine is not changed."""
        saved = self._unverified_reason, self._lifted, self._rule
        self._unverified_reason, self._lifted, self._rule = None, [], None
        try:
            reason = self._check(action)
            return Refusal(action, reason, self._rule) if reason is not None else None
        finally:
            self._unverified_reason, self._lifted, self._rule = saved

    def derived_entry_into_force(self, instrument: str) -> dt.date | None:
        """What the known actions imply: ``initial_delay_days`` after the ``threshold``-th
        counted instrument, and for a Protocol not before the Convention's entry into force
        (the Convention's official date when given). None if too few instruments are known."""
        self._instrument(instrument)
        return self._derived[instrument]

    def entry_into_force(self, instrument: str) -> dt.date | None:
        """The official date when one is given (a sourced fact), else the derived date."""
        official = self._instrument(instrument).official_entry_into_force
        return official if official is not None else self._derived[instrument]

    def qualifying_instruments(self, instrument: str) -> list[Action]:
        """The known instruments counting toward the threshold, in order of deposit."""
        self._instrument(instrument)
        return list(self._qualifying[instrument])

    def entry_into_force_for(self, participant: str, instrument: str) -> dt.date | None:
        """Date the instrument entered (or will enter) into force for ``participant``; None if
        it has not consented, the instrument has no known entry into force, or its
        denunciation took effect first."""
        self._instrument(instrument)
        record = self._records[instrument].get(participant)
        return record.in_force if record else None

    def status(self, participant: str, instrument: str, on: dt.date) -> Status:
        self._instrument(instrument)
        record = self._records[instrument].get(participant)
        return record.status(on) if record else Status.NONE

    def statuses(self, instrument: str, on: dt.date) -> dict[str, Status]:
        """Every participant with an accepted action on ``instrument`` (even a later one, which
        gives ``NONE``), by participant code."""
        self._instrument(instrument)
        records = self._records[instrument]
        return {code: records[code].status(on) for code in sorted(records)}

    def counts(self, instrument: str, on: dt.date) -> Counts:
        """Head counts on ``on``; see ``Counts`` for the definitions."""
        self._instrument(instrument)
        tally = dict.fromkeys(_COUNTED.values(), 0)
        signatories = 0
        for record in self._records[instrument].values():
            if record.signature is not None and record.signature.date <= on:
                signatories += 1
            status = record.status(on)
            if status in _COUNTED:
                tally[_COUNTED[status]] += 1
        return Counts(signatories=signatories, **tally)

    def timeline(
        self, instrument: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[tuple[dt.date, Counts]]:
        """Counts as a step function: one point per date on which a count changes, each
        giving the counts from that date on. With ``start``, the first point is ``start``
        itself (the counts then in force); points after ``end`` are left out. Built by one
        sweep over the sorted status changes, not by calling ``counts`` per date."""
        self._instrument(instrument)
        names = [f.name for f in fields(Counts)]
        deltas: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(names, 0))
        for record in self._records[instrument].values():
            if record.signature is not None:
                deltas[record.signature.date]["signatories"] += 1
            for day, old, new in record.transitions():
                if old in _COUNTED:
                    deltas[day][_COUNTED[old]] -= 1
                if new in _COUNTED:
                    deltas[day][_COUNTED[new]] += 1
        running = dict.fromkeys(names, 0)
        points: list[tuple[dt.date, Counts]] = []
        previous = Counts()
        days = sorted(deltas)
        if start is not None:
            for day in days:
                if day > start:
                    break
                for name, delta in deltas[day].items():
                    running[name] += delta
            previous = Counts(**running)
            days = [day for day in days if day > start]
            if end is None or start <= end:
                points.append((start, previous))
        for day in days:
            if end is not None and day > end:
                break
            for name, delta in deltas[day].items():
                running[name] += delta
            current = Counts(**running)
            if current != previous:
                points.append((day, current))
                previous = current
        return points

    def history(self, participant: str) -> list[InstrumentHistory]:
        """Per instrument (Convention first) the participant's accepted and refused actions
        and the dates derived from them."""
        refused: dict[str, list[Refusal]] = defaultdict(list)
        for refusal in self.refusals:
            if refusal.action.participant == participant:
                refused[refusal.action.instrument].append(refusal)
        result = []
        for code in self.instrument_order:
            record = self._records[code].get(participant)
            if record is None and code not in refused:
                continue
            record = record or _Record(participant, code)
            result.append(
                InstrumentHistory(
                    instrument=code,
                    actions=tuple(record.actions),
                    refusals=tuple(refused.get(code, ())),
                    signature=record.signature.date if record.signature else None,
                    consent=record.consent,
                    in_force=record.in_force,
                    denunciation=record.denunciation,
                    denunciation_effective=record.denunciation_effective,
                    denounced_through=record.denounced_through,
                )
            )
        return result


def _format_params(params: dict[str, object]) -> dict[str, object]:
    """Dates as ISO strings (YYYY-MM-DD) in every language; everything else as given."""
    return {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in params.items()
    }


def join_sentences(first: str, second: str) -> str:
    """Two whole sentences, with a space unless the first ends in full-width punctuation."""
    return first + second if first.endswith(("。", "！", "？")) else f"{first} {second}"
