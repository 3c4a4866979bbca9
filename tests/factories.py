"""Test data from factories (factory-boy), instead of a copy of the same helper in each file.

The test database already holds the reference data (the real States, the four instruments, the
shipped treaty actions) and the demo users (``tests/conftest.py``). The factories add what one
test needs on top of it: participants that exist only in tests (ISO 3166 user-assigned codes
beginning with Q, so no real State gets invented treaty actions), users with a role, treaty
actions and declarations. Instruments are reference data: ``InstrumentFactory`` looks one up.
"""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from palermo.core.choices import STATE_BOUND_ROLES
from palermo.core.models import Participant, RoleAssignment, User
from palermo.treaties import services
from palermo.treaties.choices import ActionKind, DeclarationKind, DeclarationSubject
from palermo.treaties.models import Declaration, Instrument, TreatyAction

#: The State of the demo users who act for one, and of the shipped fictional declarations.
DEMO_STATE = "ARG"


def _test_code(n: int) -> str:
    """QZA, QZB, ..., QYA, ...: user-assigned codes, clear of Testland's and Otherland's."""
    return "Q" + "ZYXWVU"[n // 26 % 6] + chr(ord("A") + n % 26)


def _participant(value: "Participant | str | None") -> "Participant | None":
    if isinstance(value, str):
        return Participant.objects.get(code=value)
    return value


class ParticipantFactory(DjangoModelFactory):
    """A State that exists only in tests. ``ParticipantFactory(testland=True)`` is Testland
    (QTL), the one most tests record actions for; ``otherland=True`` is Otherland (QTO)."""

    class Meta:
        model = Participant

    class Params:
        testland = factory.Trait(code="QTL", name="Testland")
        otherland = factory.Trait(code="QTO", name="Otherland")

    code = factory.Sequence(_test_code)
    name = factory.LazyAttribute(lambda participant: f"Test participant {participant.code}")


class UserFactory(DjangoModelFactory):
    """A person who signs in; with ``role``, also a role assignment. A role that acts for a
    State (focal point, expert, practitioner) is bound to ``state`` (a code or a Participant),
    Argentina unless told otherwise, like the demo users.

    ``UserFactory(role=Role.OBSERVER)``, ``UserFactory(role=Role.FOCAL_POINT, state="BRA")``.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        role = None
        state = factory.LazyAttribute(
            lambda user: DEMO_STATE if user.role in STATE_BOUND_ROLES else None
        )

    username = factory.Sequence(lambda n: f"test-user-{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    role_assignment = factory.Maybe(
        "role",
        factory.RelatedFactory(
            "tests.factories.RoleAssignmentFactory",
            factory_related_name="user",
            role=factory.SelfAttribute("..role"),
            state=factory.SelfAttribute("..state"),
        ),
    )


class RoleAssignmentFactory(DjangoModelFactory):
    """A role given to a user, bound to ``state`` (a code or a Participant) if it acts for one."""

    class Meta:
        model = RoleAssignment

    class Params:
        state = None

    user = factory.SubFactory(UserFactory)
    role = None
    participant = factory.LazyAttribute(lambda assignment: _participant(assignment.state))


class InstrumentFactory(DjangoModelFactory):
    """One of the shipped instruments, looked up by code, never created: ``InstrumentFactory()``
    is the Convention, ``InstrumentFactory(code="TIP")`` the Trafficking in Persons Protocol."""

    class Meta:
        model = Instrument

    code = "UNTOC"

    @classmethod
    def _create(cls, model_class, code, **fields):
        if fields:
            raise TypeError(f"InstrumentFactory only looks instruments up; got {sorted(fields)}.")
        return model_class.objects.get(code=code)

    _build = _create


class TreatyActionFactory(DjangoModelFactory):
    """A treaty action written straight to the database, past the rule engine: data a test
    starts from. To record one as a person does (permission, rules, audit), use
    ``record_action``."""

    class Meta:
        model = TreatyAction

    participant = factory.SubFactory(ParticipantFactory)
    instrument = factory.SubFactory(InstrumentFactory)
    kind = ActionKind.RATIFICATION
    date = dt.date(2020, 2, 2)
    source = "test record"


def record_action(participant: Participant, *, acting_user, **overrides) -> TreatyAction:
    """Record an action for ``participant`` through the service, as a person does (permission,
    rule engine, audit), with ``TreatyActionFactory``'s defaults for what the test leaves out:
    a ratification of the Convention on 2020-02-02."""
    action = TreatyActionFactory.build(participant=participant, **overrides)
    return services.record_action(
        acting_user=acting_user,
        participant=action.participant,
        instrument=action.instrument,
        kind=action.kind,
        date=action.date,
        source=action.source,
        source_text=action.source_text,
        footnotes=action.footnotes,
    )


class DeclarationFactory(DjangoModelFactory):
    """A fictional notification of the central authority for mutual legal assistance (art.
    18(13)) under the Convention, by ``state`` (a code or a Participant; Argentina, the demo
    focal point's State, unless told otherwise). ``.build()`` it to save it through the
    service."""

    class Meta:
        model = Declaration

    class Params:
        state = DEMO_STATE

    participant = factory.LazyAttribute(lambda declaration: _participant(declaration.state))
    instrument = factory.SubFactory(InstrumentFactory)
    kind = DeclarationKind.NOTIFICATION
    subject = DeclarationSubject.CENTRAL_AUTHORITY
    authority = "Test central authority (fictional)"


# --- directory ---
from palermo.directory.models import Area, Authority  # noqa: E402


class DirectoryAreaFactory(DjangoModelFactory):
    """One of the shipped areas of the Directory, looked up by code, never created:
    ``DirectoryAreaFactory()`` is mutual legal assistance, ``code="som_sea"`` smuggling by sea."""

    class Meta:
        model = Area

    code = "mla"

    @classmethod
    def _create(cls, model_class, code, **fields):
        if fields:
            raise TypeError(f"DirectoryAreaFactory only looks areas up; got {sorted(fields)}.")
        return model_class.objects.get(code=code)

    _build = _create


class AuthorityFactory(DjangoModelFactory):
    """A fictional Directory entry of ``state`` (a code or a Participant; Argentina unless told
    otherwise), confirmed today, written straight to the database. ``.build()`` it to save it
    through ``directory.services.save_entry``."""

    class Meta:
        model = Authority

    class Params:
        state = DEMO_STATE

    participant = factory.LazyAttribute(lambda entry: _participant(entry.state))
    area = factory.SubFactory(DirectoryAreaFactory)
    authority = factory.Sequence(lambda n: f"Test authority {n} (fictional)")
    phone = "+000 555 0100"
    email = "authority@example.org"
    languages = factory.LazyFunction(lambda: ["en"])
    channels = factory.LazyFunction(lambda: ["central_authority"])
    last_confirmed = factory.LazyFunction(dt.date.today)
    is_demo = True


# --- library ---


def library_record(kind="legislation", *, state=DEMO_STATE, number=None, status="draft", **data):
    """A fictional Library record written through the record format and
    ``library.services.write_parsed`` as the system actor (so it is indexed and, when
    ``status="published"``, published with its first version). ``data`` holds the format's
    keys; a law gets one provision unless ``provisions`` is given."""
    from palermo.library import serializers
    from palermo.library import services as library_services
    from palermo.platform.actors import system_user

    library_record.counter = getattr(library_record, "counter", 0) + 1
    record = {
        "kind": kind,
        "state": state,
        "number": number or f"test-{kind}-{library_record.counter}",
        "status": status,
        "is_demo": True,
        "title": data.pop("title", f"Fictional test {kind} {library_record.counter}"),
        "language": data.pop("language", "en"),
    }
    if kind == "legislation":
        record["law_type"] = data.pop("law_type", "act")
        record["provisions"] = data.pop(
            "provisions",
            [{"number": "Art. 1", "text": "Fictional test provision.", "articles": ["TIP 3(a)"]}],
        )
    record.update(data)
    parsed = serializers.parse_record(record)
    assert parsed.ok, parsed.errors
    _outcome, saved = library_services.write_parsed(parsed, acting_user=system_user())
    return saved
