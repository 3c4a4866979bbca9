"""The rule engine's messages are whole-sentence (or whole-clause) msgids, translated by the
callables it is given: the module stays free of Django, and the site passes Django's
gettext/ngettext."""

import ast
import datetime as dt
import re
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.utils import translation

from palermo.treaties import engine, parsers
from palermo.treaties.engine import Action, ActionKind, TreatyEngine
from palermo.treaties.engine import Instrument as RuleInstrument
from palermo.treaties.engine import Participant as RuleParticipant
from palermo.treaties.queries import get_engine
from tests.factories import InstrumentFactory, record_action

D = dt.date.fromisoformat
K = ActionKind
LANGUAGES = ["ar", "zh-hans", "fr", "ru", "es"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
#: Clauses (not sentences) joined by ``engine._REFUSAL``, keyed by one kind of action each.
CLAUSE_TABLES = ("_REFUSED_ACTION", "_ALREADY_BOUND_BY", "_NOT_YET_A_PARTY_SINCE")
#: Msgids of the engine not yet in the catalogues (a new rule's, until ``make messages`` and its
#: translation); empty when every language is complete.
AWAITING_TRANSLATION: set[str] = set()


def _msgid_tables() -> dict[str, dict]:
    return {
        name: value
        for name, value in vars(engine).items()
        if name.startswith("_")
        and isinstance(value, dict)
        and value
        and all(isinstance(v, str) and "%(" in v for v in value.values())
    }


def _msgids() -> list[str]:
    """Every singular msgid of engine.py (tables and constants)."""
    found = []
    for value in vars(engine).values():
        if isinstance(value, str) and "%(" in value:
            found.append(value)
        elif isinstance(value, dict):
            found += [v for v in value.values() if isinstance(v, str) and "%(" in v]
    return sorted(set(found))


def _plurals() -> list[tuple[str, str]]:
    """The ``self.ngettext(singular, plural, ...)`` literals in engine.py."""
    tree = ast.parse(Path(engine.__file__).read_text(encoding="utf-8"))
    pairs = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "ngettext"
        ):
            singular, plural = node.args[:2]
            pairs.append((singular.value, plural.value))
    return pairs


def _scenario(**kwargs) -> TreatyEngine:
    """One refusal of nearly every kind, a note on partial data and a discrepancy."""
    convention = RuleInstrument(
        "UNTOC", threshold=2, official_entry_into_force=D("2003-09-29"), actions_complete=False
    )
    protocol = RuleInstrument("TIP", parent="UNTOC", threshold=1)
    states = [RuleParticipant(c, name=f"State {c}") for c in ("AAA", "BBB", "CCC")]
    actions = [
        Action("AAA", "UNTOC", K.RATIFICATION, D("2003-01-01")),
        Action("AAA", "UNTOC", K.ACCESSION, D("2003-02-01")),  # duplicate
        Action("AAA", "UNTOC", K.SIGNATURE, D("2003-03-01")),  # after consent
        Action("BBB", "UNTOC", K.DENUNCIATION, D("2003-04-01")),  # not consented
        Action("CCC", "TIP", K.ACCESSION, D("2004-01-01")),  # unverified
        Action("ZZZ", "UNTOC", K.SIGNATURE, D("2004-01-01")),  # unknown participant
    ]
    return TreatyEngine([convention, protocol], states, actions, **kwargs)


def _messages(built: TreatyEngine) -> list[str]:
    return (
        [r.reason for r in built.refusals]
        + [n.reason for n in built.unverified]
        + [d.message for d in built.discrepancies]
    )


# -- pure: any translate callable --------------------------------------------------------------


@pytest.mark.parametrize("module", [engine, parsers], ids=["engine", "parsers"])
def test_the_engine_and_the_parsers_stay_free_of_django(module):
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.startswith("django")]


def test_without_translate_the_messages_are_english():
    english = _messages(_scenario())
    assert english[0] == (
        "State AAA cannot accede to UNTOC on 2003-02-01: it is already bound by its instrument "
        "of ratification of 2003-01-01; a second instrument is a duplicate."
    )
    assert len(english) == 6


def test_a_fake_translate_translates_every_message_and_fills_the_placeholders():
    catalogue = {
        engine._REFUSED_ACTION[
            K.ACCESSION
        ]: "%(who)s NE PEUT PAS ADHÉRER À %(instrument)s LE %(date)s",
        engine._ALREADY_BOUND_BY[K.RATIFICATION]: (
            "LIÉ PAR SON INSTRUMENT DE RATIFICATION DU %(consent_date)s"
        ),
        engine._REFUSAL: "%(refused_action)s : %(reason)s.",
    }
    seen = []

    def translate(msgid: str) -> str:
        seen.append(msgid)
        return catalogue.get(msgid, "<<" + msgid + ">>")

    def ntranslate(singular: str, plural: str, count: int) -> str:
        seen.append(singular)
        return "<<" + (singular if count == 1 else plural) + ">>"

    messages = _messages(_scenario(translate=translate, ntranslate=ntranslate))
    assert messages[0] == (
        "State AAA NE PEUT PAS ADHÉRER À UNTOC LE 2003-02-01 : LIÉ PAR SON INSTRUMENT DE "
        "RATIFICATION DU 2003-01-01."
    )
    for message in messages[1:]:
        assert message.startswith("<<") and message.endswith(">>"), message
    for message in messages:
        assert "%(" not in message
    # The citation is translated too, then inserted.
    assert "<<UNTOC art. 40(1)>>" in messages[2]
    # Dates stay ISO whatever the language.
    assert "2003-04-01" in messages[2]
    # Only msgids the catalogues know were asked for.
    known = set(_msgids()) | {singular for singular, _plural in _plurals()}
    assert seen and set(seen) <= known


def test_discrepancy_counts_use_ntranslate_with_the_count():
    calls = []

    def ntranslate(singular: str, plural: str, count: int) -> str:
        calls.append(count)
        return f"[{count}] " + (singular if count == 1 else plural)

    built = _scenario(ntranslate=ntranslate)
    [discrepancy] = built.discrepancies
    # One qualifying UNTOC instrument (AAA) of the two needed; it was deposited by 2003-07-01.
    assert calls == [1, 1]
    assert discrepancy.message.startswith(
        "[1] Known actions give only 1 qualifying instrument for UNTOC, fewer than the 2 needed"
    )
    assert "[1] 1 of them was deposited on or before 2003-07-01, the latest date on which the " in (
        discrepancy.message
    )
    assert "the 2nd instrument can have been deposited" in discrepancy.message


def test_validate_builds_its_reason_with_the_engine_translate():
    built = _scenario(translate=lambda msgid: msgid.replace("cannot", "CANNOT"))
    refusal = built.validate(Action("AAA", "UNTOC", K.RATIFICATION, D("2005-01-01")))
    assert refusal is not None
    assert refusal.reason.startswith("State AAA CANNOT ratify UNTOC on 2005-01-01: ")


def test_message_tables_are_keyed_by_one_kind_of_action():
    tables = _msgid_tables()
    for name in ("_UNKNOWN_INSTRUMENT", "_UNKNOWN_PARTICIPANT"):
        assert set(tables[name]) == set(ActionKind)
    for name in ("_NOT_A_PARTY", "_UNVERIFIED", "_JOINING_AFTER_DENUNCIATION", *CLAUSE_TABLES):
        kinds = set(ActionKind) if name == "_REFUSED_ACTION" else set(engine.CONSENT_KINDS)
        assert set(tables[name]) == kinds
    # No table grows with pairs of kinds: a refusal that names two is joined from two clauses.
    assert not [name for name, table in tables.items() if any(isinstance(k, tuple) for k in table)]
    assert set(PLACEHOLDER.findall(engine._REFUSAL)) == {"refused_action", "reason"}
    clauses = {msgid for name in CLAUSE_TABLES for msgid in tables[name].values()}
    for msgid in clauses:
        assert not msgid.endswith("."), msgid  # the frame ends the sentence
    for msgid in set(_msgids()) - clauses:
        if msgid.startswith("%(who)s cannot"):
            assert msgid.endswith("."), msgid
    assert len(_plurals()) == 3


# Written out here, independently of the engine's tables: the verb of each kind of consent and
# the instrument that expresses it, as the former whole sentences read.
VERB = {
    K.RATIFICATION: "ratify",
    K.ACCEPTANCE: "accept",
    K.APPROVAL: "approve",
    K.ACCESSION: "accede to",
    K.SUCCESSION: "succeed to",
    K.FORMAL_CONFIRMATION: "formally confirm",
    K.CONSENT_UNSPECIFIED: "consent to be bound by",
}
INSTRUMENT_OF = {
    K.RATIFICATION: "its instrument of ratification",
    K.ACCEPTANCE: "its instrument of acceptance",
    K.APPROVAL: "its instrument of approval",
    K.ACCESSION: "its instrument of accession",
    K.SUCCESSION: "its notification of succession",
    K.FORMAL_CONFIRMATION: "its instrument of formal confirmation",
    K.CONSENT_UNSPECIFIED: "its instrument of consent (type not stated by the source)",
}


@pytest.mark.parametrize("earlier", sorted(engine.CONSENT_KINDS))
@pytest.mark.parametrize("refused", sorted(engine.CONSENT_KINDS))
def test_a_refusal_naming_two_kinds_of_action_reads_as_one_english_sentence(refused, earlier):
    built = TreatyEngine(
        [RuleInstrument("UNTOC", threshold=1), RuleInstrument("TIP", parent="UNTOC", threshold=1)],
        [RuleParticipant("AAA", name="Testland")],
        [Action("AAA", "UNTOC", earlier, D("2003-06-01"))],
    )
    twice = built.validate(Action("AAA", "UNTOC", refused, D("2003-07-01")))
    assert twice is not None and twice.reason == (
        f"Testland cannot {VERB[refused]} UNTOC on 2003-07-01: it is already bound by "
        f"{INSTRUMENT_OF[earlier]} of 2003-06-01; a second instrument is a duplicate."
    )
    too_early = built.validate(Action("AAA", "TIP", refused, D("2003-05-01")))
    assert too_early is not None and too_early.reason == (
        f"Testland cannot {VERB[refused]} TIP on 2003-05-01: it is not yet a party to the "
        f"Convention (UNTOC); {INSTRUMENT_OF[earlier]} is dated 2003-06-01 (UNTOC art. 37(2))."
    )


# -- Django: the catalogues and the site -------------------------------------------------------


def _in_catalogue(language, msgid) -> bool:
    """Whether the language's catalogue translates ``msgid`` (a translation may equal it, as
    the frame "%(refused_action)s: %(reason)s." does in several languages)."""
    from django.utils.translation import trans_real

    catalogue = trans_real.translation(language)._catalog
    return msgid in catalogue and bool(catalogue[msgid])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_engine_msgid_is_translated_with_the_same_placeholders(language):
    with translation.override(language):
        for msgid in sorted(set(_msgids()) - AWAITING_TRANSLATION):
            translated = translation.gettext(msgid)
            assert _in_catalogue(language, msgid), msgid
            assert set(PLACEHOLDER.findall(translated)) == set(PLACEHOLDER.findall(msgid))
        for singular, plural in _plurals():
            for count in (0, 1, 2, 5, 11, 21, 101):
                translated = translation.ngettext(singular, plural, count)
                assert translated not in (singular, plural)
                assert set(PLACEHOLDER.findall(translated)) == set(PLACEHOLDER.findall(plural))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_clauses_of_joined_refusals_are_translated_with_the_same_placeholders(language):
    clauses = {msgid for name in CLAUSE_TABLES for msgid in vars(engine)[name].values()}
    with translation.override(language):
        for msgid in sorted((clauses | {engine._REFUSAL}) - AWAITING_TRANSLATION):
            translated = translation.gettext(msgid)
            assert _in_catalogue(language, msgid), msgid
            assert set(PLACEHOLDER.findall(translated)) == set(PLACEHOLDER.findall(msgid))


def test_a_refused_action_recorded_through_the_service_gives_a_french_reason(testland, secretariat):
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        record_action(testland, acting_user=secretariat, kind="denunciation")
    assert refused.value.messages == [
        "Testland ne peut pas dénoncer UNTOC le 2020-02-02\u00a0: ce participant n'a pas "
        "consenti à être lié par cet instrument, et seule une Partie peut le dénoncer (UNTOC, "
        "art. 40, par. 1)."
    ]


def test_a_joined_refusal_recorded_through_the_service_gives_a_french_reason(testland, secretariat):
    record_action(testland, acting_user=secretariat)
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        record_action(testland, acting_user=secretariat, kind="accession", date=date(2021, 1, 1))
    assert refused.value.messages == [
        "Testland ne peut pas adhérer à UNTOC le 2021-01-01\u00a0: ce participant est déjà lié "
        "par son instrument de ratification du 2020-02-02\u00a0; un second instrument ferait "
        "double emploi."
    ]


def test_a_refused_action_typed_on_the_page_shows_the_reason_in_the_page_language(
    user_client, testland
):
    untoc = InstrumentFactory()
    untoc.actions_complete = True
    untoc.save()
    client = user_client("secretariat")
    form = {
        "participant": testland.pk,
        "instrument": InstrumentFactory(code="TIP").pk,
        "kind": "ratification",
        "date": "2020-02-02",
        "source": "test record",
        "source_text": "",
    }
    response = client.post("/treaties/actions/new/", form, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    page = BeautifulSoup(response.content.decode(), "lxml")
    errors = page.select_one(".field-errors").get_text(" ", strip=True)
    assert (
        "Testland ne peut pas ratifier TIP le 2020-02-02\u00a0: ce participant n'est pas Partie "
        "à la Convention (UNTOC, art. 37, par. 2)." in errors
    )


def test_the_cached_engine_is_one_per_language(db):
    with translation.override("en"):
        english = get_engine()
        assert get_engine() is english
    with translation.override("ar"):
        arabic = get_engine()
    assert arabic is not english
    # Somalia's SOM accession of 2025 (after the tables' date) with no known UNTOC consent.
    [en_note] = [n for n in english.unverified if n.action.participant == "SOM"]
    [ar_note] = [n for n in arabic.unverified if n.action.participant == "SOM"]
    assert "accepted but not verified" in en_note.reason
    assert ar_note.reason != en_note.reason
    assert "2025-03-25" in ar_note.reason


@pytest.mark.django_db
def test_the_participant_list_names_regions_and_groups_in_the_page_language(client):
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    page = client.get("/treaties/participants/?q=FRA").content.decode()
    assert "Groupe des États d&#x27;Europe occidentale et autres États" in page
    assert "<td>Europe</td>" in page


@pytest.mark.django_db
def test_instrument_titles_are_the_official_ones_in_each_language(client):
    from palermo.treaties.instrument_names import SHORT_TITLES, TITLES
    from palermo.treaties.models import Instrument

    assert set(Instrument.objects.values_list("title", flat=True)) == set(TITLES)
    assert set(Instrument.objects.values_list("short_title", flat=True)) == set(SHORT_TITLES)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    page = client.get("/treaties/UNTOC/").content.decode()
    assert (
        "Convención de las Naciones Unidas contra la Delincuencia Organizada Transnacional" in page
    )
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "贩运人口议定书" in client.get("/treaties/").content.decode()
