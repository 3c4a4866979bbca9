"""``palermo statistics survey FILE --design … --json`` (``survey_cli``) and the shipped
SYNTHETIC survey."""

import argparse
import json
from io import StringIO

import pytest

from palermo.statistics import survey_cli
from palermo.statistics.survey_synthetic import DEFAULT_PATH, generate, write

DESIGN = "weight=weight,strata=stratum,cluster=psu"


def parse(*argv):
    parser = argparse.ArgumentParser()
    survey_cli.add_arguments(parser)
    return vars(parser.parse_args([str(a) for a in argv]))


def test_the_shipped_file_is_the_generators_output_and_marked_synthetic(tmp_path):
    again = write(tmp_path / "again.csv")
    assert again.read_bytes() == DEFAULT_PATH.read_bytes()
    header, rows = generate(respondents=50, seed=1)
    assert all(row[0].startswith("SYNTHETIC-") for row in rows)
    assert "SYNTHETIC" in DEFAULT_PATH.with_suffix(".md").read_text()
    assert "made up" in DEFAULT_PATH.with_suffix(".md").read_text()


def test_json_of_the_synthetic_survey(tmp_path):
    result = survey_cli.handle(
        parse(DEFAULT_PATH, "--design", DESIGN, "--by", "sex,age_group", "--json")
    )
    json.dumps(result)  # JSON-ready as it is
    design = result["design"]
    assert (result["respondents"], design["strata_count"], design["psu_count"]) == (3000, 8, 120)
    assert design["degrees_of_freedom"] == 112
    assert result["crimes"] == ["burglary", "theft", "robbery", "assault", "fraud", "bribery"]
    assert result["groups"] == ["sex", "age_group"]
    # 6 crimes × 5 measures × (all + 2 sexes + 6 age groups)
    assert len(result["estimates"]) == 6 * 5 * 9
    first = result["estimates"][0]
    assert set(first) == {
        "crime", "measure", "group", "level", "estimate", "se", "ci_low", "ci_high", "rse",
        "n", "weighted_base", "flags",
    }  # fmt: skip
    assert first["ci_low"] < first["estimate"] < first["ci_high"]
    # Few victims of robbery aged 65+: their repeat-victimization share is flagged.
    (old_robbery,) = [
        e
        for e in result["estimates"]
        if (e["crime"], e["measure"], e["level"]) == ("robbery", "repeat_victimization", "65+")
    ]
    assert old_robbery["n"] < 30 and "few_respondents" in old_robbery["flags"]


def test_separate_options_win_over_design_and_defaults_are_said(tmp_path):
    only_weight = survey_cli.handle(
        parse(DEFAULT_PATH, "--design", DESIGN, "--strata", "region", "--crimes", "theft")
    )
    assert only_weight["design"]["strata"] == "region"
    assert only_weight["design"]["strata_count"] == 4
    bare = survey_cli.handle(parse(DEFAULT_PATH, "--crimes", "theft", "--per", "100"))
    assert bare["design"]["psu_count"] == 3000  # every respondent its own PSU
    assert any("weight 1" in note for note in bare["notes"])
    incidence = [e for e in bare["estimates"] if e["measure"] == "incidence"][0]
    per_1000 = survey_cli.handle(parse(DEFAULT_PATH, "--crimes", "theft"))
    assert incidence["estimate"] * 10 == pytest.approx(
        [e for e in per_1000["estimates"] if e["measure"] == "incidence"][0]["estimate"]
    )


def test_reported_as_a_flag_drops_the_incident_reporting_rate(tmp_path):
    # The synthetic survey with burglary_reported turned into "reported at least one" (0/1).
    lines = DEFAULT_PATH.read_text().splitlines()
    column = lines[0].split(",").index("burglary_reported")
    rows = [line.split(",") for line in lines[1:]]
    for row in rows:
        row[column] = str(min(int(row[column]), 1))
    flagged = tmp_path / "flagged.csv"
    flagged.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n")
    args = ("--design", DESIGN, "--crimes", "burglary")
    as_flag = survey_cli.handle(parse(flagged, *args, "--reported", "flag"))
    assert as_flag["settings"]["reported"] == "flag"
    assert {e["measure"] for e in as_flag["estimates"]} == {
        "prevalence", "incidence", "repeat_victimization", "reporting_victims",
    }  # fmt: skip
    # The victims' reporting rate only asks "at least one reported": the same either way.
    as_count = survey_cli.handle(parse(DEFAULT_PATH, *args))
    victims = [
        [e for e in r["estimates"] if e["measure"] == "reporting_victims"][0]["estimate"]
        for r in (as_flag, as_count)
    ]
    assert victims[0] == pytest.approx(victims[1])


def test_bad_input_becomes_a_command_error_naming_the_place(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--design “strata”: write KEY=COLUMN"):
        survey_cli.handle(parse(DEFAULT_PATH, "--design", "strata"))
    with pytest.raises(CommandError, match="--design “psu=psu”"):
        survey_cli.handle(parse(DEFAULT_PATH, "--design", "psu=psu"))
    bad = tmp_path / "bad.csv"
    bad.write_text("w,theft_victim\n1,0\n-1,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"^bad.csv, row 3, column “w”: the weight is negative"):
        survey_cli.handle(parse(bad, "--weight", "w"))
    single = tmp_path / "single.csv"
    single.write_text("w,s,c,theft_victim\n1,a,1,0\n1,a,2,1\n1,b,1,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="single PSU.*: b"):
        survey_cli.handle(parse(single, "--design", "weight=w,strata=s,cluster=c", "--single-psu", "fail"))  # fmt: skip
    ok = survey_cli.handle(parse(single, "--design", "weight=w,strata=s,cluster=c"))
    assert ok["design"]["single_psu_strata"] == ["b"]
    assert any("single PSU" in note for note in ok["notes"])


def test_reported_flag_values_above_one_are_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="theft_reported.*must be 0 or 1"):
        survey_cli.handle(parse(DEFAULT_PATH, "--crimes", "theft", "--reported", "flag"))


def test_text_table_for_people():
    result = survey_cli.handle(parse(DEFAULT_PATH, "--design", DESIGN, "--crimes", "robbery"))
    text = survey_cli.format_text(result)
    assert text.startswith(f"{DEFAULT_PATH}: 3000 respondents, 8 strata, 120 PSUs")
    assert "robbery\tprevalence\tall\t" in text


def test_through_the_palermo_command():
    from django.core.management import call_command

    out = StringIO()
    call_command(
        "statistics", "survey", str(DEFAULT_PATH), "--design", DESIGN, "--crimes", "fraud",
        "--json", stdout=out,
    )  # fmt: skip
    result = json.loads(out.getvalue())
    assert result["crimes"] == ["fraud"] and len(result["estimates"]) == 5


def test_any_adds_victimization_by_at_least_one_crime_type():
    result = survey_cli.handle(
        parse(DEFAULT_PATH, "--design", DESIGN, "--crimes", "theft,fraud", "--any")
    )
    assert result["crimes"] == ["theft", "fraud", "any"]
    prevalence = {
        e["crime"]: e["estimate"]
        for e in result["estimates"]
        if e["measure"] == "prevalence" and e["group"] is None
    }
    # Counted from the file: weighted share of respondents victim of theft or fraud.
    lines = DEFAULT_PATH.read_text().splitlines()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    w = [float(r[header.index("weight")]) for r in rows]
    hit = [
        r[header.index("theft_victim")] == "1" or r[header.index("fraud_victim")] == "1"
        for r in rows
    ]
    expected = sum(wi for wi, h in zip(w, hit, strict=True) if h) / sum(w)
    assert prevalence["any"] == pytest.approx(expected)
    assert max(prevalence["theft"], prevalence["fraud"]) < prevalence["any"]


def test_estimates_written_as_csv(tmp_path):
    import csv

    out = tmp_path / "estimates.csv"
    result = survey_cli.handle(
        parse(DEFAULT_PATH, "--design", DESIGN, "--crimes", "robbery", "--by", "age_group", "-o", out)
    )  # fmt: skip
    assert result["output"] == str(out)
    with out.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(result["estimates"]) == 5 * 7
    for row, e in zip(rows, result["estimates"], strict=True):
        assert (row["crime"], row["measure"], row["level"]) == (
            e["crime"], e["measure"], e["level"] or "",
        )  # fmt: skip
        if e["estimate"] is None:  # an age group with no robbery victim: no base
            assert row["estimate"] == "" and row["flags"] == "no_respondents"
        else:
            assert float(row["estimate"]) == pytest.approx(e["estimate"])
            assert row["flags"] == ";".join(e["flags"])
    assert any(row["estimate"] == "" for row in rows)
    with pytest.raises(Exception, match="No folder"):
        survey_cli.handle(parse(DEFAULT_PATH, "--crimes", "robbery", "-o", tmp_path / "no" / "x.csv"))  # fmt: skip
