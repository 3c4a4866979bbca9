"""Reading survey microdata (``palermo.statistics.survey_io``): CSV, SPSS and Stata files, and
the errors a person gets for a bad file (the file, the row, the column)."""

import numpy as np
import pytest

from palermo.statistics.survey_io import SurveyFileError, SurveySpec, load, read_table
from palermo.statistics.surveys import estimate

HEADER = "id,stratum,psu,wt,sex,theft_victim,theft_incidents,theft_reported,fraud_victim"
GOOD = [
    "1,A,1,10,F,1,2,1,0",
    "2,A,1,12,M,0,0,0,1",
    "3,A,2,9,F,0,0,0,0",
    "4,A,2,11,M,1,1,0,0",
    "5,B,1,20,F,0,0,0,0",
    "6,B,1,25,M,1,3,3,1",
    "7,B,2,22,F,0,0,0,0",
    "8,B,2,18,,0,0,0,0",
]
SPEC = SurveySpec(weight="wt", strata="stratum", cluster="psu", by=("sex",))


def write(tmp_path, lines, name="survey.csv", header=HEADER):
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def error_of(path, spec=SPEC):
    with pytest.raises(SurveyFileError) as caught:
        load(path, spec)
    return caught.value


def test_a_good_csv_file_gives_the_design_crimes_and_groups(tmp_path):
    survey = load(write(tmp_path, GOOD), SPEC)
    assert [c.name for c in survey.crimes] == ["theft", "fraud"]
    assert survey.crimes[1].incidents is None  # only fraud_victim: prevalence only
    assert (survey.design.n, survey.design.n_strata, survey.design.n_psus) == (8, 2, 4)
    assert survey.groups["sex"].tolist() == ["F", "M", "F", "M", "F", "M", "F", ""]
    assert any("1 respondents have no “sex”" in note for note in survey.notes)
    measures = {(e.crime, e.measure) for e in estimate(survey.design, survey.crimes)}
    assert ("fraud", "prevalence") in measures and ("fraud", "incidence") not in measures
    theft = [e for e in estimate(survey.design, survey.crimes) if e.measure == "prevalence"][0]
    assert theft.estimate == pytest.approx((10 + 11 + 25) / 127)


def test_a_missing_design_column_is_named(tmp_path):
    error = error_of(write(tmp_path, GOOD), SurveySpec(weight="weight"))
    assert error.column == "weight"
    assert str(error).startswith("survey.csv, column “weight”: no such column; the file has: id,")


def test_a_negative_weight_names_the_file_row_and_column(tmp_path):
    lines = list(GOOD)
    lines[2] = "3,A,2,-9,F,0,0,0,0"  # line 4 of the file (header is line 1)
    error = error_of(write(tmp_path, lines))
    assert (error.path.name, error.rows, error.column) == ("survey.csv", [4], "wt")
    assert str(error) == "survey.csv, row 4, column “wt”: the weight is negative."


def test_a_victim_flag_other_than_0_or_1_is_refused_with_every_row(tmp_path):
    lines = list(GOOD)
    lines[0] = "1,A,1,10,F,2,2,1,0"
    lines[5] = "6,B,1,25,M,1,3,3,yes"
    error = error_of(write(tmp_path, lines))
    assert (error.rows, error.column) == ([2], "theft_victim")
    assert "must be 0 (no) or 1 (yes)" in str(error)
    lines[0] = GOOD[0]
    error = error_of(write(tmp_path, lines))
    assert (error.rows, error.column) == ([7], "fraud_victim")
    assert "“yes” is not a number" in str(error)


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        ("2,A,1,12,M,0,1,0,1", "theft_incidents", "whose theft_victim is 0"),
        ("2,A,1,12,M,1,0,0,1", "theft_incidents", "no incident"),
        ("2,A,1,12,M,1,2,3,1", "theft_reported", "more incidents reported"),
        ("2,A,1,12,M,1,1.5,0,1", "theft_incidents", "whole number"),
        ("2,A,1,12,M,1,-1,0,1", "theft_incidents", "cannot be negative"),
        ("2,A,1,,M,1,1,0,1", "wt", "weight is missing"),
        ("2,,1,12,M,1,1,0,1", "stratum", "stratum is missing"),
    ],
)
def test_inconsistent_answers_name_the_row_and_column(tmp_path, line, column, words):
    lines = list(GOOD)
    lines[1] = line
    error = error_of(write(tmp_path, lines))
    assert (error.rows, error.column) == ([3], column)
    assert words in str(error)


def test_missing_answers_are_allowed_and_left_out(tmp_path):
    lines = list(GOOD)
    lines[1] = "2,A,1,12,M,NA,,,1"
    survey = load(write(tmp_path, lines), SPEC)
    prevalence = [e for e in estimate(survey.design, survey.crimes) if e.measure == "prevalence"]
    assert prevalence[0].n == 7 and prevalence[1].n == 8


def test_file_shape_errors(tmp_path):
    ragged = write(tmp_path, [*GOOD[:3], "4,A,2,11", *GOOD[4:]])
    error = error_of(ragged)
    assert error.rows == [5] and "9 columns are expected" in str(error)
    error = error_of(write(tmp_path, [], name="empty.csv"))
    assert "no respondents" in str(error)
    error = error_of(write(tmp_path, GOOD, header=HEADER.replace("id,", "wt,")))
    assert error.column == "wt" and "appears twice" in str(error)
    error = error_of(write(tmp_path, GOOD, name="survey.xlsx"))
    assert "unknown format" in str(error)
    error = error_of(tmp_path / "absent.csv")
    assert str(error) == "absent.csv: no such file."
    error = error_of(write(tmp_path, GOOD), SurveySpec(weight="wt", crimes=("robbery",)))
    assert error.column == "robbery_victim" and "theft, fraud" in str(error)


def test_blank_lines_keep_the_row_numbers_of_the_file(tmp_path):
    lines = [*GOOD[:2], "", *GOOD[2:]]
    lines[3] = "3,A,2,-9,F,0,0,0,0"  # after a blank line: line 5 of the file
    assert error_of(write(tmp_path, lines)).rows == [5]


def test_semicolon_csv_reads_the_same(tmp_path):
    comma = load(write(tmp_path, GOOD), SPEC)
    semi = write(
        tmp_path, [g.replace(",", ";") for g in GOOD], "semi.csv", HEADER.replace(",", ";")
    )
    assert estimate(load(semi, SPEC).design, load(semi, SPEC).crimes) == estimate(
        comma.design, comma.crimes
    )


def frame(rows=GOOD):
    pd = pytest.importorskip("pandas")
    columns = HEADER.split(",")
    data = [row.split(",") for row in rows]
    df = pd.DataFrame(data, columns=columns)
    for name in columns:
        if name not in {"stratum", "sex"}:
            df[name] = pd.to_numeric(df[name])
    return df


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_spss_and_stata_files_give_the_same_estimates_as_csv(tmp_path, suffix):
    import pyreadstat

    path = tmp_path / f"survey{suffix}"
    writer = pyreadstat.write_sav if suffix == ".sav" else pyreadstat.write_dta
    writer(frame(), str(path))
    table = read_table(path)
    assert table.labels("psu").tolist() == ["1", "1", "2", "2", "1", "1", "2", "2"]
    from_file = load(path, SPEC)
    from_csv = load(write(tmp_path, GOOD), SPEC)
    assert from_file.groups["sex"].tolist() == from_csv.groups["sex"].tolist()
    ours = estimate(from_file.design, from_file.crimes, from_file.groups)
    assert ours == estimate(from_csv.design, from_csv.crimes, from_csv.groups)


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_errors_in_spss_and_stata_files_give_the_case_number(tmp_path, suffix):
    import pyreadstat

    df = frame()
    df.loc[2, "wt"] = -9.0  # the third respondent
    path = tmp_path / f"survey{suffix}"
    (pyreadstat.write_sav if suffix == ".sav" else pyreadstat.write_dta)(df, str(path))
    error = error_of(path)
    assert str(error) == f"survey{suffix}, row 3, column “wt”: the weight is negative."


def test_spss_user_missing_values_are_missing(tmp_path):
    import pyreadstat

    df = frame()
    df.loc[1, "theft_victim"] = 9  # "refused", declared missing in the file
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(df, str(path), missing_ranges={"theft_victim": [9]})
    survey = load(path, SPEC)
    assert np.isnan(survey.crimes[0].victim[1])


def test_an_unreadable_spss_file_is_named(tmp_path):
    path = tmp_path / "broken.sav"
    path.write_bytes(b"not an SPSS file")
    error = error_of(path)
    assert str(error).startswith("broken.sav: cannot be read")


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_value_labels_name_the_groups(tmp_path, suffix):
    import pyreadstat

    df = frame()
    df["sex"] = [1, 2, 1, 2, 1, 2, 1, 3]  # 3 has no label: shown as its code
    df["stratum"] = [1, 1, 1, 1, 2, 2, 2, 2]
    labels = {"sex": {1: "female", 2: "male"}, "stratum": {1: "same", 2: "same"}}
    path = tmp_path / f"survey{suffix}"
    writer = pyreadstat.write_sav if suffix == ".sav" else pyreadstat.write_dta
    writer(df, str(path), variable_value_labels=labels)
    survey = load(path, SPEC)
    assert survey.groups["sex"].tolist() == ["female", "male"] * 3 + ["female", "3"]
    # Strata keep their codes: two codes with one label stay two strata.
    assert survey.design.n_strata == 2
