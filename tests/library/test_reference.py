"""The Library's shipped data: the vocabularies, the real legislation and the fictional demo
records load through the importer, keep their sources, and a bad vocabulary file is named."""

import pytest

from palermo.library import reference
from palermo.library.demo import load_demo, load_real_legislation
from palermo.library.models import (
    RECORD_MODELS,
    CrimeType,
    CrossCuttingIssue,
    Law,
    PublishedVersion,
)

pytestmark = pytest.mark.django_db


def test_vocabularies_are_loaded_with_their_names_in_the_un_languages():
    corruption = CrimeType.objects.get(code="corruption")
    assert corruption.iccs_code == "0703"  # a string: leading zeros kept
    assert corruption.label("ar") == "الفساد"
    assert corruption.label("zh") == "腐败"
    assert corruption.source
    assert CrossCuttingIssue.objects.filter(code="extradition").exists()


def test_loading_again_changes_nothing():
    before = list(CrimeType.objects.values_list("code", "name", "names", "position"))
    loaded = reference.load_vocabularies()
    assert loaded["crime_types"] == len(before)
    assert list(CrimeType.objects.values_list("code", "name", "names", "position")) == before
    laws = Law.objects.count()
    count, _notes = load_real_legislation()
    assert count == 3 and Law.objects.count() == laws
    versions = PublishedVersion.objects.count()
    load_demo()
    assert PublishedVersion.objects.count() == versions  # unchanged records: no new version


def test_real_legislation_keeps_its_source_and_licence_and_is_published():
    law = Law.objects.get(participant__code="GBR", number="ukpga-2015-30")
    assert law.is_published and not law.is_demo
    assert law.source_url.startswith("https://www.legislation.gov.uk/")
    assert "Open Government Licence" in law.licence
    assert law.provisions.exists()
    assert PublishedVersion.objects.filter(kind="legislation", record_id=law.pk).count() == 1


def test_demo_records_are_flagged_fictional():
    for model in RECORD_MODELS.values():
        demo = model.objects.filter(number__startswith="DEMO-")
        assert demo.exists()
        assert not demo.filter(is_demo=False).exists()


def test_a_bad_vocabulary_file_is_named_with_its_line_and_column(tmp_path):
    (tmp_path / "crime_types.csv").write_text(
        "code,name,iccs_code,position,source\ncorruption,Corruption,0703,first,x\n",
        encoding="utf-8",
    )
    with pytest.raises(reference.VocabularyError) as error:
        reference.load_vocabularies(tmp_path)
    assert str(error.value) == "crime_types.csv, line 2, column position: not a whole number"


def test_a_missing_column_is_named(tmp_path):
    (tmp_path / "cross_cutting_issues.csv").write_text("code,name\nx,X\n", encoding="utf-8")
    with pytest.raises(reference.VocabularyError, match="line 1: missing column"):
        reference.load_vocabularies(tmp_path)
