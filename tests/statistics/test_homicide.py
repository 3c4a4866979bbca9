"""The homicide choice rule on hand-made cases (pure, no database)."""

import pytest

from palermo.statistics.homicide import Candidate, Rule, choose, difference

CJ = "criminal_justice"
PH = "public_health"


def cj(rate):
    return Candidate("unodc", CJ, rate)


def ph(rate):
    return Candidate("who", PH, rate)


def test_only_one_source():
    choice = choose([ph(5.0)])
    assert (choice.chosen.source, choice.reason) == ("who", "only_source")
    assert choose([]) is None
    assert choose([Candidate("who", PH, None)]) is None  # no population, no rate


def test_agreeing_sources_give_the_preferred_one():
    choice = choose([ph(10.0), cj(8.0)])  # 20 % apart, within 25 %
    assert choice.chosen.source == "unodc"
    assert choice.reason == "agree"
    assert "20%" in choice.explanation


def test_disagreeing_sources_give_the_higher_one():
    choice = choose([cj(4.0), ph(10.0)])  # 60 % apart
    assert choice.chosen.source == "who"
    assert choice.reason == "higher_on_disagreement"
    choice = choose([cj(10.0), ph(4.0)])
    assert choice.chosen.source == "unodc"


def test_the_rule_is_configurable():
    rule = Rule(order=(PH, CJ), tolerance=0.1, on_disagreement="preferred")
    choice = choose([cj(4.0), ph(10.0)], rule)
    assert (choice.chosen.source, choice.reason) == ("who", "preferred_despite_difference")
    choice = choose([cj(9.5), ph(10.0)], rule)
    assert (choice.chosen.source, choice.reason) == ("who", "agree")
    with pytest.raises(ValueError):
        Rule(on_disagreement="lowest")


def test_rule_from_settings(settings):
    from palermo.statistics.homicide import rule_from_settings

    settings.PALERMO_HOMICIDE_RULE = {"order": [PH, CJ], "tolerance": 0.5}
    rule = rule_from_settings()
    assert rule.order == (PH, CJ) and rule.tolerance == 0.5


def test_difference():
    assert difference(0, 0) == 0
    assert difference(0, 3) == 1
    assert difference(8, 10) == pytest.approx(0.2)
