"""Tests of the treaty rule engine against the shipped UNTC/Tractatenblad/PacLII excerpts and
small hand-built scenarios, one per rule of the final clauses."""

import csv
import datetime as dt
import random
import time
from pathlib import Path

import pytest

from palermo.treaties.engine import (
    CONSENT_KINDS,
    THRESHOLD_KINDS,
    Action,
    ActionKind,
    Counts,
    Instrument,
    Participant,
    Status,
    TreatyEngine,
    add_years,
)

# Copies of shared/data/treaties, shipped with the package.
DATA = Path(__file__).resolve().parents[2] / "src/palermo/treaties/data"
D = dt.date.fromisoformat
K = ActionKind

UNTOC_NL = "untoc_parties_nl_trb2007-70_excerpt.csv"
UNTOC_UNTC = "untoc_parties_untc_excerpt_2024-05-04.csv"
TIP_PACLII = "tip_protocol_parties_paclii_2008_excerpt.csv"
TIP_WHATCONVENTION = "tip_protocol_parties_whatconvention_excerpt.csv"


# -- real data ------------------------------------------------------------------------------


def _kind(action_type: str) -> ActionKind | None:
    """Map a CSV action_type to a consent kind (None: signature only)."""
    if action_type.startswith("signature only"):
        return None
    if action_type.startswith("accession"):
        return K.ACCESSION
    if action_type.startswith("ratification"):
        # UNTC "ratification"; Tractatenblad code R = ratification/acceptance/approval. All
        # three count alike, so ratification stands for the group.
        return K.RATIFICATION
    if action_type.startswith("not stated by source"):
        # whatconvention lists these States with no signature: joining without signing is
        # accession (or succession), and both count alike for these rules.
        return K.ACCESSION
    raise AssertionError(f"unmapped action type {action_type!r}")


def load_actions(filename: str, instrument: str) -> list[Action]:
    actions = []
    with (DATA / filename).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["participant"]
            if row["signature_date"]:
                actions.append(Action(name, instrument, K.SIGNATURE, D(row["signature_date"])))
            kind = _kind(row["action_type"])
            if kind is not None:
                actions.append(Action(name, instrument, kind, D(row["deposit_date"])))
    return actions


def merge(*groups: list[Action]) -> list[Action]:
    """Union of several sources; the same action found twice is kept once."""
    seen: dict[tuple, Action] = {}
    for group in groups:
        for action in group:
            seen.setdefault(
                (action.participant, action.instrument, action.kind, action.date), action
            )
    return list(seen.values())


@pytest.fixture(scope="module")
def official() -> dict[str, dt.date]:
    """Official entry-into-force dates from untoc_instruments_status_counts.csv."""
    codes = {
        "XVIII-12": "UNTOC",
        "XVIII-12-a": "TIP",
        "XVIII-12-b": "SOM",
        "XVIII-12-c": "FIREARMS",
    }
    with (DATA / "untoc_instruments_status_counts.csv").open(newline="", encoding="utf-8") as f:
        return {
            codes[row["untc_mtdsg_no"]]: D(row["entry_into_force"]) for row in csv.DictReader(f)
        }


@pytest.fixture(scope="module")
def instruments(official) -> list[Instrument]:
    return [
        Instrument("UNTOC", official_entry_into_force=official["UNTOC"]),
        Instrument("TIP", parent="UNTOC", official_entry_into_force=official["TIP"]),
        Instrument("SOM", parent="UNTOC", official_entry_into_force=official["SOM"]),
        Instrument("FIREARMS", parent="UNTOC", official_entry_into_force=official["FIREARMS"]),
    ]


@pytest.fixture(scope="module")
def untoc_actions() -> list[Action]:
    return merge(load_actions(UNTOC_UNTC, "UNTOC"), load_actions(UNTOC_NL, "UNTOC"))


@pytest.fixture(scope="module")
def tip_actions() -> list[Action]:
    return merge(load_actions(TIP_PACLII, "TIP"), load_actions(TIP_WHATCONVENTION, "TIP"))


def participants_of(actions, extra=()) -> list[Participant]:
    return [Participant(code) for code in sorted({a.participant for a in actions} | set(extra))]


@pytest.fixture(scope="module")
def real(instruments, untoc_actions, tip_actions) -> TreatyEngine:
    actions = untoc_actions + tip_actions
    return TreatyEngine(instruments, participants_of(actions), actions)


def test_official_dates_are_read_from_the_shipped_counts_file(official):
    assert official == {
        "UNTOC": D("2003-09-29"),
        "TIP": D("2003-12-25"),
        "SOM": D("2004-01-28"),
        "FIREARMS": D("2005-07-03"),
    }


def test_the_two_untoc_sources_agree_wherever_both_give_a_date():
    by_source = [
        {(a.participant, a.kind == K.SIGNATURE): a.date for a in load_actions(f, "UNTOC")}
        for f in (UNTOC_UNTC, UNTOC_NL)
    ]
    shared = by_source[0].keys() & by_source[1].keys()
    assert len(shared) > 20
    assert all(by_source[0][key] == by_source[1][key] for key in shared)


def test_armenia_as_40th_instrument_reproduces_the_official_untoc_date(untoc_actions, official):
    """UNTOC art. 38(1): Armenia's deposit of 2003-07-01 was the 40th; +90 days = 2003-09-29.

    The excerpts hold only 13 deposits up to that date, so 27 placeholder States that deposited
    earlier stand in for the rows missing from the excerpts."""
    known = [a for a in untoc_actions if a.kind in CONSENT_KINDS and a.date <= D("2003-07-01")]
    assert len(known) == 13
    fillers = [
        Action(f"Earlier {i:02}", "UNTOC", K.RATIFICATION, D("2002-01-01")) for i in range(27)
    ]
    actions = untoc_actions + fillers
    engine = TreatyEngine(
        [Instrument("UNTOC", official_entry_into_force=official["UNTOC"])],
        participants_of(actions),
        actions,
    )
    fortieth = engine.qualifying_instruments("UNTOC")[39]
    assert (fortieth.participant, fortieth.date) == ("Armenia", D("2003-07-01"))
    assert engine.derived_entry_into_force("UNTOC") == D("2003-09-29") == official["UNTOC"]
    assert engine.discrepancies == []


def test_belize_as_40th_tip_instrument_reproduces_the_official_tip_date(
    untoc_actions, tip_actions, official
):
    """TIP art. 17(1): Belize's accession of 2003-09-26, +90 days = 2003-12-25 (official)."""
    pair = [
        Instrument("UNTOC", official_entry_into_force=official["UNTOC"]),
        Instrument("TIP", parent="UNTOC", official_entry_into_force=official["TIP"]),
    ]
    actions = untoc_actions + tip_actions
    base = TreatyEngine(pair, participants_of(actions), actions)
    # TIP deposits accepted up to Belize's; those of States whose UNTOC deposit the excerpts
    # lack (Mauritius, 2003-09-24) are refused under art. 37(2) and do not count.
    known = [a for a in base.qualifying_instruments("TIP") if a.date <= D("2003-09-26")]
    assert [a.participant for a in known] == [
        "Albania",
        "Argentina",
        "Belarus",
        "Armenia",
        "Belize",
    ]
    fillers = []
    for i in range(40 - len(known)):
        fillers += [
            Action(f"Earlier {i:02}", "UNTOC", K.RATIFICATION, D("2002-01-01")),
            Action(f"Earlier {i:02}", "TIP", K.RATIFICATION, D("2002-01-01")),
        ]
    actions += fillers
    engine = TreatyEngine(pair, participants_of(actions), actions)
    fortieth = engine.qualifying_instruments("TIP")[39]
    assert (fortieth.participant, fortieth.date) == ("Belize", D("2003-09-26"))
    assert engine.derived_entry_into_force("TIP") == official["TIP"]
    assert [d.instrument for d in engine.discrepancies] == ["UNTOC"]  # partial UNTOC data only


def test_partial_dutch_excerpt_yields_a_discrepancy_naming_the_known_count(instruments):
    actions = load_actions(UNTOC_NL, "UNTOC")
    deposits = [a for a in actions if a.kind in CONSENT_KINDS]
    by_eif_minus_90 = [a for a in deposits if a.date <= D("2003-07-01")]
    assert (len(deposits), len(by_eif_minus_90)) == (35, 13)

    engine = TreatyEngine(instruments, participants_of(actions), actions)

    assert engine.derived_entry_into_force("UNTOC") is None
    assert engine.entry_into_force("UNTOC") == D("2003-09-29")
    [untoc] = [d for d in engine.discrepancies if d.instrument == "UNTOC"]
    assert (untoc.official, untoc.derived, untoc.qualifying) == (D("2003-09-29"), None, 35)
    assert untoc.message.startswith(
        "Known actions give only 35 qualifying instruments for UNTOC, fewer than the 40 needed; "
        "using the official date 2003-09-29 (sourced)."
    )
    assert "13 of them were deposited on or before 2003-07-01" in untoc.message


def test_real_untoc_dates_for_early_late_and_much_later_depositors(real):
    # Albania deposited 2002-08-21, before the 40th instrument: bound from the general date.
    assert real.entry_into_force_for("Albania", "UNTOC") == D("2003-09-29")
    # Afghanistan deposited 2003-09-24, after the 40th (2003-07-01): art. 38(2) gives the
    # 30th day after its own deposit, which falls after the general entry into force.
    assert real.entry_into_force_for("Afghanistan", "UNTOC") == D("2003-10-24")
    assert real.entry_into_force_for("Andorra", "UNTOC") == D("2011-10-22")
    # Signature only in both sources until UNTC's 2013 deposit.
    assert real.entry_into_force_for("Angola", "UNTOC") == D("2013-05-01")


@pytest.mark.parametrize(
    ("participant", "day", "expected"),
    [
        ("Albania", "2000-12-11", Status.NONE),
        ("Albania", "2000-12-12", Status.SIGNATORY),
        ("Albania", "2002-08-20", Status.SIGNATORY),
        ("Albania", "2002-08-21", Status.CONTRACTING),
        ("Albania", "2003-09-28", Status.CONTRACTING),
        ("Albania", "2003-09-29", Status.PARTY),
        ("Afghanistan", "2003-09-29", Status.CONTRACTING),
        ("Afghanistan", "2003-10-23", Status.CONTRACTING),
        ("Afghanistan", "2003-10-24", Status.PARTY),
        ("Andorra", "2011-10-21", Status.CONTRACTING),
        ("Andorra", "2011-10-22", Status.PARTY),
        ("Bahrain", "2004-06-06", Status.NONE),  # accession without signature
        ("Bahrain", "2004-06-07", Status.CONTRACTING),
        ("Nowhere", "2020-01-01", Status.NONE),
    ],
)
def test_real_untoc_status_on_each_side_of_the_boundaries(real, participant, day, expected):
    assert real.status(participant, "UNTOC", D(day)) is expected


def test_real_tip_dates_follow_the_protocol_rules(real):
    # Same-day deposit of the Convention and the Protocol is accepted (Albania 2002-08-21).
    assert real.entry_into_force_for("Albania", "TIP") == D("2003-12-25")
    # Azerbaijan deposited after TIP's 40th instrument (Belize, 2003-09-26), +30 = 2003-11-29,
    # but not before TIP itself entered into force ("whichever is the later").
    assert real.entry_into_force_for("Azerbaijan", "TIP") == D("2003-12-25")
    assert real.entry_into_force_for("Algeria", "TIP") == D("2004-04-08")
    assert real.entry_into_force_for("Austria", "TIP") == D("2005-10-15")


def test_real_tip_deposits_without_a_known_untoc_deposit_are_refused(real):
    """The excerpts stop at B (UNTOC), so Kiribati's or Guatemala's UNTOC deposits are not
    known: art. 37(2) refuses their TIP instruments until that data is imported."""
    refused = {(r.action.participant, r.action.instrument) for r in real.refusals}
    assert ("Kiribati", "TIP") in refused
    assert ("Albania", "TIP") not in refused
    [kiribati] = [r for r in real.refusals if r.action.participant == "Kiribati"]
    assert kiribati.reason == (
        "Kiribati cannot accede to TIP on 2005-09-15: it is not a party to the Convention "
        "(UNTOC art. 37(2))."
    )
    assert real.status("Kiribati", "TIP", D("2024-01-01")) is Status.NONE
    # Nauru only signed TIP; a Protocol signature is never refused for want of the Convention.
    assert real.status("Nauru", "TIP", D("2008-01-01")) is Status.SIGNATORY


def test_real_counts_on_the_untc_status_date(real):
    untc = load_actions(UNTOC_UNTC, "UNTOC")
    counts = real.counts("UNTOC", D("2024-05-04"))
    # Everybody in the UNTC excerpt has deposited; Dutch-only rows are signature only (Burundi,
    # Congo, Cuba) or deposits (Germany, Bolivia...) and join the count.
    every = {a.participant for a in real.qualifying_instruments("UNTOC")}
    assert counts.parties == len(every) == 41
    assert counts.contracting == counts.denounced == 0
    signers = {
        a.participant for a in untc + load_actions(UNTOC_NL, "UNTOC") if a.kind == K.SIGNATURE
    }
    # 35 signers in the Dutch list (7 rows are accessions) plus Austria from UNTC.
    assert counts.signatories == len(signers) == 36


def test_real_timeline_ends_with_the_counts_on_its_last_day(real):
    for code in ("UNTOC", "TIP"):
        points = real.timeline(code)
        assert points, code
        days = [day for day, _ in points]
        assert days == sorted(set(days))
        for day, counts in points:
            assert real.counts(code, day) == counts
            assert real.counts(code, day - dt.timedelta(days=1)) != counts
        assert points[-1][1] == real.counts(code, D("2024-05-04"))


# -- hand-built scenarios ----------------------------------------------------------------------

START = D("2001-01-01")


def states(n: int, prefix: str = "S") -> list[str]:
    return [f"{prefix}{i:02}" for i in range(1, n + 1)]


def deposits(codes, instrument="UNTOC", day=START, kind=K.RATIFICATION, step=1) -> list[Action]:
    """One deposit per code, ``step`` days apart starting on ``day``."""
    return [
        Action(code, instrument, kind, day + dt.timedelta(days=i * step))
        for i, code in enumerate(codes)
    ]


def engine(actions, instruments=None, reio=()) -> TreatyEngine:
    instruments = instruments or [Instrument("UNTOC"), Instrument("TIP", parent="UNTOC")]
    codes = {a.participant for a in actions}
    people = [Participant(code, is_reio=code in reio) for code in sorted(codes | set(reio))]
    return TreatyEngine(instruments, people, actions)


def test_39_instruments_do_not_bring_the_convention_into_force_the_40th_does():
    actions = deposits(states(40))
    assert engine(actions[:39]).entry_into_force("UNTOC") is None
    assert engine(actions[:39]).status("S01", "UNTOC", D("2030-01-01")) is Status.CONTRACTING
    fortieth = actions[39].date
    assert fortieth == D("2001-02-09")
    assert engine(actions).entry_into_force("UNTOC") == fortieth + dt.timedelta(days=90)
    assert engine(actions).entry_into_force("UNTOC") == D("2001-05-10")


def test_a_custom_threshold_and_delay_are_honoured():
    instrument = Instrument("UNTOC", threshold=3, initial_delay_days=10, later_delay_days=5)
    actions = deposits(states(4), step=7)  # 01-01, 01-08, 01-15, 01-22
    built = engine(actions, [instrument])
    assert built.entry_into_force("UNTOC") == D("2001-01-25")
    assert built.entry_into_force_for("S04", "UNTOC") == D("2001-01-27")


@pytest.mark.parametrize("kind", sorted(THRESHOLD_KINDS))
def test_every_consent_kind_counts_toward_the_threshold(kind):
    actions = deposits(states(39)) + [Action("S40", "UNTOC", kind, D("2001-03-01"))]
    assert engine(actions).entry_into_force("UNTOC") == D("2001-05-30")


def test_a_reio_instrument_is_not_counted_toward_the_40():
    eu = Action("EU", "UNTOC", K.FORMAL_CONFIRMATION, D("2001-01-01"))
    ratified = deposits(states(40), day=D("2001-01-02"))
    assert engine([eu, *ratified[:39]], reio={"EU"}).entry_into_force("UNTOC") is None
    with_40 = engine([eu, *ratified], reio={"EU"})
    assert with_40.entry_into_force("UNTOC") == ratified[39].date + dt.timedelta(days=90)
    # The same organization counted as a State would have completed the 40 a day earlier.
    as_state = engine([eu, *ratified[:39]])
    assert as_state.entry_into_force("UNTOC") == ratified[38].date + dt.timedelta(days=90)
    # The REIO is nevertheless bound once the Convention is in force.
    assert with_40.entry_into_force_for("EU", "UNTOC") == with_40.entry_into_force("UNTOC")
    assert with_40.status("EU", "UNTOC", with_40.entry_into_force("UNTOC")) is Status.PARTY


def test_two_deposits_on_the_day_of_the_40th_are_both_bound_from_entry_into_force():
    actions = deposits(states(39)) + deposits(["T1", "T2"], day=D("2001-03-01"), step=0)
    built = engine(actions)
    assert built.entry_into_force("UNTOC") == D("2001-05-30")
    assert built.entry_into_force_for("T1", "UNTOC") == D("2001-05-30")
    assert built.entry_into_force_for("T2", "UNTOC") == D("2001-05-30")


def test_a_protocol_never_enters_into_force_before_the_convention():
    """TIP art. 17(1) "except that it shall not enter into force before the entry into force of
    the Convention": the Convention here waits 120 days, the Protocol only 90."""
    convention = Instrument("UNTOC", initial_delay_days=120)
    protocol = Instrument("TIP", parent="UNTOC")
    both = deposits(states(40)) + deposits(states(40), instrument="TIP")
    built = engine(both, [convention, protocol])
    assert built.entry_into_force("UNTOC") == D("2001-06-09")  # 2001-02-09 + 120
    assert built.entry_into_force("TIP") == D("2001-06-09")  # not 2001-05-10
    assert built.status("S01", "TIP", D("2001-06-08")) is Status.CONTRACTING
    assert built.status("S01", "TIP", D("2001-06-09")) is Status.PARTY


def test_a_protocol_waits_for_the_official_convention_date():
    convention = Instrument("UNTOC", official_entry_into_force=D("2002-01-01"))
    protocol = Instrument("TIP", parent="UNTOC")
    both = deposits(states(40)) + deposits(states(40), instrument="TIP")
    built = engine(both, [convention, protocol])
    assert built.derived_entry_into_force("TIP") == D("2002-01-01")


def test_a_protocol_is_never_in_force_for_a_participant_before_the_convention_is():
    """Art. 37(2). Only reachable with inconsistent sourced dates: here the Protocol's official
    date precedes the Convention's."""
    convention = Instrument("UNTOC", official_entry_into_force=D("2003-09-29"))
    protocol = Instrument("TIP", parent="UNTOC", official_entry_into_force=D("2003-06-01"))
    both = deposits(states(40)) + deposits(states(40), instrument="TIP")
    built = engine(both, [convention, protocol])
    assert built.entry_into_force("TIP") == D("2003-06-01")
    assert built.entry_into_force_for("S01", "TIP") == D("2003-09-29")
    assert built.status("S01", "TIP", D("2003-09-28")) is Status.CONTRACTING
    [tip] = [d for d in built.discrepancies if d.instrument == "TIP"]
    assert tip.derived == D("2003-09-29")
    assert tip.message.endswith(
        "is S40's of 2001-02-09, and TIP cannot enter into force before UNTOC; using the "
        "official date."
    )


def test_a_protocol_with_its_own_40_later_than_the_convention_uses_its_own_date():
    both = deposits(states(40)) + deposits(states(40), instrument="TIP", day=D("2002-01-01"))
    built = engine(both)
    assert built.entry_into_force("UNTOC") == D("2001-05-10")
    assert built.entry_into_force("TIP") == D("2002-05-10")  # 2002-02-09 + 90


def test_a_later_party_is_bound_on_the_30th_day_after_its_deposit():
    built = engine(deposits(states(40)) + [Action("LATE", "UNTOC", K.ACCESSION, D("2005-03-01"))])
    assert built.entry_into_force_for("LATE", "UNTOC") == D("2005-03-31")
    assert built.status("LATE", "UNTOC", D("2005-03-30")) is Status.CONTRACTING
    assert built.status("LATE", "UNTOC", D("2005-03-31")) is Status.PARTY


def test_a_deposit_between_the_40th_and_entry_into_force():
    """After the 40th (2001-02-09) and before entry into force (2001-05-10)."""
    early = Action("EARLY", "UNTOC", K.RATIFICATION, D("2001-02-20"))  # +30 = 03-22 < EIF
    close = Action("CLOSE", "UNTOC", K.RATIFICATION, D("2001-05-01"))  # +30 = 05-31 > EIF
    built = engine(deposits(states(40)) + [early, close])
    assert built.entry_into_force_for("EARLY", "UNTOC") == D("2001-05-10")
    assert built.entry_into_force_for("CLOSE", "UNTOC") == D("2001-05-31")


def test_a_later_protocol_party_is_not_bound_before_the_protocol_is_in_force():
    base = deposits(states(40)) + deposits(states(40), instrument="TIP", day=D("2002-01-01"))
    # TIP's 40th: 2002-02-09, in force 2002-05-10.
    mid = [
        Action("MID", "UNTOC", K.RATIFICATION, D("2002-03-01")),
        Action("MID", "TIP", K.RATIFICATION, D("2002-03-01")),
    ]
    late = [
        Action("LATE", "UNTOC", K.ACCESSION, D("2003-01-10")),
        Action("LATE", "TIP", K.ACCESSION, D("2003-01-10")),
    ]
    built = engine(base + mid + late)
    assert built.entry_into_force("TIP") == D("2002-05-10")
    assert built.entry_into_force_for("MID", "UNTOC") == D("2002-03-31")
    assert built.entry_into_force_for("MID", "TIP") == D("2002-05-10")  # not 2002-03-31
    assert built.entry_into_force_for("LATE", "UNTOC") == D("2003-02-09")
    assert built.entry_into_force_for("LATE", "TIP") == D("2003-02-09")


def test_protocol_ratification_by_a_non_party_is_refused_and_ignored():
    italy = Action("Italy", "TIP", K.RATIFICATION, D("2006-08-02"))
    built = engine(deposits(states(40)) + [italy])
    [refusal] = built.refusals
    assert refusal.action == italy
    assert refusal.reason == (
        "Italy cannot ratify TIP on 2006-08-02: it is not a party to the Convention "
        "(UNTOC art. 37(2))."
    )
    assert built.status("Italy", "TIP", D("2010-01-01")) is Status.NONE
    assert built.qualifying_instruments("TIP") == []
    assert built.statuses("TIP", D("2010-01-01")) == {}


def test_protocol_deposit_before_the_convention_deposit_is_refused_the_later_one_accepted():
    actions = [
        Action("X", "TIP", K.RATIFICATION, D("2004-01-01")),
        Action("X", "UNTOC", K.RATIFICATION, D("2004-02-01")),
        Action("X", "TIP", K.RATIFICATION, D("2004-03-01")),
    ]
    built = engine(actions)
    [refusal] = built.refusals
    assert refusal.action.date == D("2004-01-01")
    assert refusal.reason.endswith("it is not a party to the Convention (UNTOC art. 37(2)).")
    assert built.history("X")[1].consent.date == D("2004-03-01")
    # Checked against a finished engine, the later Convention instrument is named.
    later = engine(actions[1:2]).validate(Action("X", "TIP", K.RATIFICATION, D("2004-01-15")))
    assert later is not None
    assert later.reason == (
        "X cannot ratify TIP on 2004-01-15: it is not yet a party to the Convention (UNTOC); "
        "its instrument of ratification is dated 2004-02-01 (UNTOC art. 37(2))."
    )


def test_same_day_convention_and_protocol_deposits_are_accepted_in_any_input_order():
    pair = [
        Action("X", "TIP", K.ACCESSION, D("2004-06-07")),
        Action("X", "UNTOC", K.ACCESSION, D("2004-06-07")),
    ]
    built = engine(deposits(states(40)) + pair)
    assert built.refusals == []
    assert built.status("X", "TIP", D("2004-06-07")) is Status.CONTRACTING
    assert built.status("X", "UNTOC", D("2004-06-07")) is Status.CONTRACTING


def test_protocol_signature_without_the_convention_is_accepted():
    built = engine([Action("X", "TIP", K.SIGNATURE, D("2000-12-12"))])
    assert built.refusals == []
    assert built.status("X", "TIP", D("2000-12-12")) is Status.SIGNATORY


def denouncing_scenario(notice: str = "2010-03-15") -> TreatyEngine:
    both = deposits(states(40)) + deposits(states(40), instrument="TIP")
    return engine(both + [Action("S05", "UNTOC", K.DENUNCIATION, D(notice))])


def test_denunciation_takes_effect_one_calendar_year_after_receipt_and_cascades():
    built = denouncing_scenario("2010-03-15")
    for code in ("UNTOC", "TIP"):
        assert built.status("S05", code, D("2010-03-15")) is Status.PARTY
        assert built.status("S05", code, D("2011-03-14")) is Status.PARTY
        assert built.status("S05", code, D("2011-03-15")) is Status.DENOUNCED
    untoc, tip = built.history("S05")
    assert (untoc.denunciation_effective, untoc.denounced_through) == (D("2011-03-15"), None)
    assert (tip.denunciation_effective, tip.denounced_through) == (D("2011-03-15"), "UNTOC")
    assert tip.denunciation is None  # no notice was given for TIP itself
    counts = built.counts("TIP", D("2011-03-15"))
    assert (counts.parties, counts.denounced) == (39, 1)


def test_one_year_from_a_leap_day_ends_on_28_february():
    assert add_years(D("2024-02-29"), 1) == D("2025-02-28")
    assert add_years(D("2023-03-01"), 1) == D("2024-03-01")  # 366 days, not 365
    built = denouncing_scenario("2024-02-29")
    assert built.status("S05", "UNTOC", D("2025-02-27")) is Status.PARTY
    assert built.status("S05", "UNTOC", D("2025-02-28")) is Status.DENOUNCED


def test_one_year_across_a_leap_day_is_366_days():
    built = denouncing_scenario("2023-03-01")
    assert built.status("S05", "UNTOC", D("2024-02-29")) is Status.PARTY
    assert built.status("S05", "TIP", D("2024-02-29")) is Status.PARTY
    assert built.status("S05", "UNTOC", D("2024-03-01")) is Status.DENOUNCED


def test_a_clause_counting_days_can_be_configured():
    instrument = Instrument("UNTOC", denunciation_delay_days=365)
    built = engine(
        deposits(states(40)) + [Action("S01", "UNTOC", K.DENUNCIATION, D("2023-03-01"))],
        [instrument],
    )
    assert built.history("S01")[0].denunciation_effective == D("2024-02-29")


def test_a_protocol_can_be_denounced_alone():
    both = deposits(states(40)) + deposits(states(40), instrument="TIP")
    built = engine(both + [Action("S05", "TIP", K.DENUNCIATION, D("2010-01-01"))])
    assert built.status("S05", "TIP", D("2011-01-01")) is Status.DENOUNCED
    assert built.status("S05", "UNTOC", D("2011-01-01")) is Status.PARTY


def test_an_earlier_own_protocol_denunciation_is_kept_over_the_cascade():
    both = deposits(states(40)) + deposits(states(40), instrument="TIP")
    built = engine(
        both
        + [
            Action("S05", "TIP", K.DENUNCIATION, D("2010-01-01")),
            Action("S05", "UNTOC", K.DENUNCIATION, D("2010-06-01")),
        ]
    )
    tip = built.history("S05")[1]
    assert (tip.denunciation_effective, tip.denounced_through) == (D("2011-01-01"), None)


def test_denunciation_by_a_mere_signatory_is_refused():
    built = engine(
        deposits(states(40))
        + [
            Action("X", "UNTOC", K.SIGNATURE, D("2000-12-12")),
            Action("X", "UNTOC", K.DENUNCIATION, D("2005-01-01")),
        ]
    )
    [refusal] = built.refusals
    assert refusal.reason == (
        "X cannot denounce UNTOC on 2005-01-01: it has not consented to be bound by it, and only "
        "a Party may (UNTOC art. 40(1))."
    )
    assert built.status("X", "UNTOC", D("2010-01-01")) is Status.SIGNATORY


def test_a_contracting_participant_may_denounce_before_being_bound():
    built = engine(deposits(states(39)) + [Action("S01", "UNTOC", K.DENUNCIATION, D("2003-01-01"))])
    assert built.refusals == []
    assert built.status("S01", "UNTOC", D("2004-01-01")) is Status.DENOUNCED
    assert built.entry_into_force_for("S01", "UNTOC") is None


def test_a_denunciation_effective_before_entry_into_force_means_never_bound():
    """With a short (configured) notice period the denunciation takes effect before the
    Convention does; the deposit still counted toward the 40."""
    quick = Instrument("UNTOC", denunciation_delay_days=10)
    notice = Action("S01", "UNTOC", K.DENUNCIATION, D("2001-03-01"))
    built = engine([*deposits(states(40)), notice], [quick])
    assert built.entry_into_force("UNTOC") == D("2001-05-10")
    assert built.entry_into_force_for("S01", "UNTOC") is None
    assert built.status("S01", "UNTOC", D("2001-05-10")) is Status.DENOUNCED
    assert built.counts("UNTOC", D("2001-05-10")) == Counts(parties=39, denounced=1)


def test_a_second_consent_and_a_second_denunciation_are_refused_as_duplicates():
    built = engine(
        deposits(states(40))
        + [
            Action("S01", "UNTOC", K.ACCEPTANCE, D("2002-01-01")),
            Action("S02", "UNTOC", K.DENUNCIATION, D("2005-01-01")),
            Action("S02", "UNTOC", K.DENUNCIATION, D("2005-02-01")),
        ]
    )
    reasons = [r.reason for r in built.refusals]
    assert reasons == [
        "S01 cannot accept UNTOC on 2002-01-01: it is already bound by its instrument of "
        "ratification of 2001-01-01; a second instrument is a duplicate.",
        "S02 cannot denounce UNTOC on 2005-02-01: it already gave notice of denunciation on "
        "2005-01-01 (effective 2006-01-01).",
    ]
    assert len(built.qualifying_instruments("UNTOC")) == 40


def test_protocol_consent_after_the_convention_denunciation_took_effect_is_refused():
    both = deposits(states(40))
    notice = Action("S05", "UNTOC", K.DENUNCIATION, D("2010-01-01"))
    during = Action("S05", "TIP", K.RATIFICATION, D("2010-06-01"))
    after = Action("S06", "TIP", K.RATIFICATION, D("2011-06-01"))
    notice_6 = Action("S06", "UNTOC", K.DENUNCIATION, D("2010-01-01"))
    built = engine(both + [notice, during, notice_6, after])
    [refusal] = built.refusals
    assert refusal.action == after
    assert "its denunciation of UNTOC took effect on 2011-01-01" in refusal.reason
    # Accepted during the notice period, then carried away by art. 40(3).
    assert built.status("S05", "TIP", D("2011-01-01")) is Status.DENOUNCED


def test_unknown_participants_and_instruments_are_refused():
    built = engine([])
    assert built.validate(Action("Atlantis", "UNTOC", K.SIGNATURE, START)).reason == (
        "Atlantis cannot sign UNTOC on 2001-01-01: 'Atlantis' is not a known participant."
    )
    assert (
        "no instrument with the code 'ATT'"
        in built.validate(Action("Atlantis", "ATT", K.SIGNATURE, START)).reason
    )


def test_validate_applies_the_construction_rules_without_changing_the_engine():
    built = engine(deposits(states(40)))
    before = built.counts("UNTOC", D("2030-01-01"))
    assert built.validate(Action("S01", "TIP", K.RATIFICATION, D("2005-01-01"))) is None
    duplicate = built.validate(Action("S01", "UNTOC", K.ACCESSION, D("2005-01-01")))
    assert duplicate is not None and "duplicate" in duplicate.reason
    signatory = engine([*deposits(states(40)), Action("SIG", "UNTOC", K.SIGNATURE, START)])
    non_party = signatory.validate(Action("SIG", "TIP", K.RATIFICATION, D("2005-01-01")))
    assert non_party is not None and "not a party to the Convention" in non_party.reason
    assert built.counts("UNTOC", D("2030-01-01")) == before
    assert built.refusals == []


def test_counts_define_signatories_as_ever_signed_and_the_rest_as_statuses():
    actions = [
        *deposits(states(40)),
        Action("S01", "UNTOC", K.SIGNATURE, D("2000-12-12")),  # signed then ratified
        Action("SIG", "UNTOC", K.SIGNATURE, D("2000-12-13")),  # signed only
        Action("NEW", "UNTOC", K.ACCESSION, D("2001-06-01")),  # bound 2001-07-01
    ]
    built = engine(actions)
    assert built.counts("UNTOC", D("2000-12-12")) == Counts(signatories=1)
    assert built.counts("UNTOC", D("2001-05-09")) == Counts(signatories=2, contracting=40)
    assert built.counts("UNTOC", D("2001-05-10")) == Counts(signatories=2, parties=40)
    assert built.counts("UNTOC", D("2001-06-01")) == Counts(2, contracting=1, parties=40)
    assert built.counts("UNTOC", D("2001-07-01")) == Counts(signatories=2, parties=41)
    statuses = built.statuses("UNTOC", D("2001-06-15"))
    assert len(statuses) == 42
    assert (statuses["SIG"], statuses["NEW"], statuses["S01"]) == (
        Status.SIGNATORY,
        Status.CONTRACTING,
        Status.PARTY,
    )
    assert list(statuses) == sorted(statuses)


def full_scenario() -> TreatyEngine:
    actions = [
        *deposits(states(45), step=3),
        *deposits(states(45), instrument="TIP", day=D("2001-06-01"), step=5),
        *[Action(s, "UNTOC", K.SIGNATURE, D("2000-12-12")) for s in states(20)],
        Action("S03", "UNTOC", K.DENUNCIATION, D("2004-05-05")),
        Action("S07", "TIP", K.DENUNCIATION, D("2003-01-01")),
    ]
    return engine(actions)


@pytest.mark.parametrize("code", ["UNTOC", "TIP"])
def test_timeline_agrees_with_counts_on_and_between_every_point(code):
    built = full_scenario()
    points = built.timeline(code)
    for (day, counts), following in zip(points, points[1:] + [(None, None)], strict=True):
        assert built.counts(code, day) == counts
        assert built.counts(code, day - dt.timedelta(days=1)) != counts
        if following[0] is not None:
            assert built.counts(code, following[0] - dt.timedelta(days=1)) == counts
    assert points[-1][1] == built.counts(code, D("2030-01-01"))
    assert points[-1][1].denounced == 2 if code == "TIP" else 1


def test_timeline_window_starts_with_the_counts_on_start_and_stops_at_end():
    built = full_scenario()
    start, end = D("2001-04-01"), D("2001-12-31")
    points = built.timeline("UNTOC", start, end)
    assert points[0] == (start, built.counts("UNTOC", start))
    assert all(start < day <= end for day, _ in points[1:])
    assert points[-1][1] == built.counts("UNTOC", end)
    full = [p for p in built.timeline("UNTOC") if start < p[0] <= end]
    assert points[1:] == full


def test_timeline_does_not_call_counts_per_date(monkeypatch):
    built = full_scenario()
    expected = built.timeline("UNTOC")

    def forbidden(*args, **kwargs):
        raise AssertionError("timeline must sweep events, not call counts()")

    monkeypatch.setattr(built, "counts", forbidden)
    assert built.timeline("UNTOC") == expected
    assert len(expected) > 40


def test_a_derived_date_different_from_the_official_one_is_reported():
    convention = Instrument("UNTOC", official_entry_into_force=D("2001-05-09"))
    built = engine(deposits(states(40)), [convention])
    [discrepancy] = built.discrepancies
    assert (discrepancy.derived, discrepancy.official) == (D("2001-05-10"), D("2001-05-09"))
    assert discrepancy.message == (
        "Known actions imply 2001-05-10 but the official date is 2001-05-09. The 40th "
        "qualifying instrument known for UNTOC is S40's of 2001-02-09; using the official date."
    )
    assert built.entry_into_force("UNTOC") == D("2001-05-09")
    # Everyone who deposited by the 40th is bound from the official date.
    assert built.entry_into_force_for("S01", "UNTOC") == D("2001-05-09")


def test_no_discrepancy_without_an_official_date_or_when_they_agree():
    assert engine(deposits(states(40))).discrepancies == []
    agreeing = Instrument("UNTOC", official_entry_into_force=D("2001-05-10"))
    assert engine(deposits(states(40)), [agreeing]).discrepancies == []


def test_results_do_not_depend_on_the_input_order():
    built = full_scenario()
    actions = [a for h in (built.history(s) for s in states(45)) for x in h for a in x.actions]
    extra = [Action("Z", "TIP", K.RATIFICATION, D("2002-01-01")), *actions[:3]]
    shuffled = actions + extra
    random.Random(7).shuffle(shuffled)
    one = engine(actions + extra)
    two = engine(shuffled)
    assert one.refusals == two.refusals
    assert one.timeline("TIP") == two.timeline("TIP")
    assert [r.action.participant for r in one.refusals] == ["S01", "S01", "S01", "Z"]


def test_history_lists_each_instrument_with_actions_refusals_and_derived_dates():
    built = engine(
        deposits(states(40))
        + [
            Action("X", "UNTOC", K.SIGNATURE, D("2000-12-12")),
            Action("X", "TIP", K.RATIFICATION, D("2002-01-01")),
            Action("X", "UNTOC", K.RATIFICATION, D("2002-03-01")),
        ]
    )
    untoc, tip = built.history("X")
    assert untoc.instrument == "UNTOC"
    assert [a.kind for a in untoc.actions] == [K.SIGNATURE, K.RATIFICATION]
    assert (untoc.signature, untoc.in_force) == (D("2000-12-12"), D("2002-03-31"))
    assert tip.instrument == "TIP" and tip.actions == () and tip.consent is None
    assert [r.action.date for r in tip.refusals] == [D("2002-01-01")]
    assert built.history("nobody") == []


def test_instrument_configuration_errors_are_explained():
    with pytest.raises(ValueError, match="later_delay_days"):
        Instrument("X", later_delay_days=100)
    with pytest.raises(ValueError, match="parent ZZZ is not given"):
        TreatyEngine([Instrument("P", parent="ZZZ")], [], [])
    with pytest.raises(ValueError, match="given twice"):
        TreatyEngine([Instrument("A"), Instrument("A")], [], [])


def test_two_hundred_participants_and_four_instruments_are_fast():
    codes = states(200, prefix="P")
    instruments = [
        Instrument("UNTOC"),
        *(Instrument(c, parent="UNTOC") for c in ("TIP", "SOM", "FIREARMS")),
    ]
    actions = []
    for i, code in enumerate(codes):
        day = START + dt.timedelta(days=i * 7)
        for instrument in ("UNTOC", "TIP", "SOM", "FIREARMS"):
            actions.append(Action(code, instrument, K.SIGNATURE, START))
            actions.append(Action(code, instrument, K.RATIFICATION, day))
        if i % 50 == 0:
            actions.append(Action(code, "UNTOC", K.DENUNCIATION, day + dt.timedelta(days=400)))
    began = time.perf_counter()
    built = TreatyEngine(instruments, [Participant(c) for c in codes], actions)
    for year in range(2001, 2010):
        built.counts("FIREARMS", dt.date(year, 6, 1))
        built.statuses("TIP", dt.date(year, 6, 1))
    built.timeline("SOM")
    assert time.perf_counter() - began < 1.0
    assert built.refusals == []
    assert built.counts("SOM", D("2030-01-01")) == Counts(signatories=200, parties=196, denounced=4)


def test_a_second_signature_and_a_signature_after_consent_are_refused():
    built = engine(
        [
            Action("X", "UNTOC", K.SIGNATURE, D("2000-12-12")),
            Action("X", "UNTOC", K.SIGNATURE, D("2001-01-12")),
            Action("Y", "UNTOC", K.ACCESSION, D("2001-01-01")),
            Action("Y", "UNTOC", K.SIGNATURE, D("2001-02-01")),
        ]
    )
    assert [r.reason for r in built.refusals] == [
        "X cannot sign UNTOC on 2001-01-12: it already signed it on 2000-12-12.",
        "Y cannot sign UNTOC on 2001-02-01: it already deposited its instrument of accession on "
        "2001-01-01, so there is nothing left to sign.",
    ]
    assert built.counts("UNTOC", D("2002-01-01")) == Counts(signatories=1, contracting=1)


# -- partial data: consent of unstated type, and Protocol actions that cannot be verified ------


def _scenario(actions_complete: bool):
    convention = Instrument("UNTOC", threshold=2, actions_complete=actions_complete)
    protocol = Instrument("TIP", parent="UNTOC", threshold=1)
    states = [Participant(c) for c in ("AAA", "BBB", "CCC")]
    actions = [
        Action("AAA", "UNTOC", K.RATIFICATION, D("2003-01-01")),
        Action("BBB", "UNTOC", K.CONSENT_UNSPECIFIED, D("2003-02-01")),
        Action("AAA", "TIP", K.RATIFICATION, D("2003-03-01")),
        Action("CCC", "TIP", K.ACCESSION, D("2004-01-01")),
    ]
    return TreatyEngine([convention, protocol], states, actions)


def test_consent_of_unstated_type_counts_toward_entry_into_force():
    engine = _scenario(actions_complete=True)
    # The second instrument (type not stated by the source) is the threshold one.
    assert engine.derived_entry_into_force("UNTOC") == D("2003-02-01") + dt.timedelta(days=90)
    assert engine.status("BBB", "UNTOC", D("2003-05-02")) is Status.PARTY


def test_protocol_action_without_known_convention_consent_is_refused_when_data_are_complete():
    engine = _scenario(actions_complete=True)
    refused = [r.action.participant for r in engine.refusals]
    assert refused == ["CCC"]
    assert "art. 37(2)" in engine.refusals[0].reason
    assert engine.status("CCC", "TIP", D("2005-01-01")) is Status.NONE


def test_protocol_action_is_accepted_but_flagged_when_convention_data_are_partial():
    engine = _scenario(actions_complete=False)
    assert engine.refusals == []
    assert [n.action.participant for n in engine.unverified] == ["CCC"]
    assert "not verified" in engine.unverified[0].reason
    # The Protocol's own clause applies: 30th day after the accession.
    assert engine.entry_into_force_for("CCC", "TIP") == D("2004-01-31")
    assert engine.status("CCC", "TIP", D("2004-01-30")) is Status.CONTRACTING
    assert engine.status("CCC", "TIP", D("2004-01-31")) is Status.PARTY
