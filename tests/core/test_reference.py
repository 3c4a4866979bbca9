import pytest
from django.utils import translation

from palermo.core.models import Participant, Region, RegionalGroup
from palermo.core.reference import normalise_name, participant_index

pytestmark = pytest.mark.django_db


def test_every_m49_area_with_an_iso_code_is_a_participant_and_the_eu_is_a_reio():
    # m49.csv has 249 rows; Sark has no ISO code. The EU is added as a REIO.
    assert Participant.objects.filter(kind="state").count() == 248
    eu = Participant.objects.get(code="EUU")
    assert eu.is_reio and eu.region is None


def test_regions_and_groups_follow_the_shipped_files():
    france = Participant.objects.with_regions().get(code="FRA")
    assert (france.m49_code, france.region.name, france.subregion.name) == (
        "250",
        "Europe",
        "Western Europe",
    )
    assert france.regional_group.name == "Western European and Others Group"
    assert RegionalGroup.objects.count() == 5
    assert Participant.objects.filter(un_member=True).count() == 193
    assert Participant.objects.get(code="TUR").regional_group.code == "western-european-and-others"
    assert Region.objects.get(code="419").name == "Latin America and the Caribbean"


def test_names_are_shown_in_the_language_of_the_page():
    france = Participant.objects.get(code="FRA")
    with translation.override("fr"):
        assert france.localized_name == "France"
    with translation.override("ar"):
        assert france.localized_name == "فرنسا"
    with translation.override("zh-hans"):
        assert france.localized_name == "法国"
    with translation.override("en"):
        assert (
            Participant.objects.get(code="BOL").localized_name == "Bolivia (Plurinational State of)"
        )


def test_names_in_sources_match_participants_whatever_their_spelling():
    index = participant_index()
    assert index[normalise_name("Bolivia")].code == "BOL"
    assert index[normalise_name("Côte d’Ivoire")].code == "CIV"
    assert index[normalise_name("Türkiye")].code == "TUR"
    assert index[normalise_name("Korea, Republic of")].code == "KOR"
    assert normalise_name("Nowhere Land") not in index


def test_every_region_and_group_name_is_marked_for_translation():
    from palermo.core.region_names import GROUP_NAMES, REGION_NAMES

    assert set(Region.objects.values_list("name", flat=True)) <= set(REGION_NAMES)
    assert set(RegionalGroup.objects.values_list("name", flat=True)) == set(GROUP_NAMES)
