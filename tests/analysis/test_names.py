"""Name keys across scripts and spellings. The names are common given names and surnames; the
expected keys are worked out by hand from the folding rules in ``palermo.analysis.names``."""

from __future__ import annotations

import pytest

from palermo.analysis.names import name_keys, organization_tokens, person_tokens, skeleton, tokens


def skeleton_of(text: str) -> str:
    return name_keys(person_tokens(text)).skeleton


@pytest.mark.parametrize(
    ("written", "latin"),
    [
        ("Александр Петров", "aleksandr petrov"),
        ("PETROV, Aleksandr", "petrov aleksandr"),
        ("Jürgen Müller-Lüdenscheid", "jurgen muller ludenscheid"),
        ("محمد علي", "mhmd ly"),
    ],
)
def test_names_are_written_in_lower_case_latin(written, latin):
    assert " ".join(tokens(written)) == latin


@pytest.mark.parametrize(
    "spellings",
    [
        ["Aleksandr Petrov", "Александр Петров", "Alexander Petroff", "ALEXANDER PETROV"],
        ["محمد علي", "Mohammed Ali", "Muhammad Aly", "Mohamed Ali"],
        ["Khalid Mahmoud", "خالد محمود"],
        ["Anton Chekhov", "Антон Чехов"],
    ],
)
def test_one_name_in_several_spellings_and_scripts_has_one_skeleton(spellings):
    assert len({skeleton_of(s) for s in spellings}) == 1, [skeleton_of(s) for s in spellings]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Aleksandr Petrov", "Aleksandr Ivanov"),
        ("Mohammed Ali", "Ahmed Ali"),
        ("Ivan Petrov", "Ivan Popov"),
    ],
)
def test_different_names_keep_different_skeletons(a, b):
    assert skeleton_of(a) != skeleton_of(b)


def test_skeleton_drops_vowels_and_folds_transliteration_variants():
    assert skeleton("petroff") == "ptrf"
    assert skeleton("alexander") == skeleton("aleksandr") == "lksndr"
    assert skeleton("eo") == "e"


def test_swapped_parts_share_the_sorted_key_but_not_the_ordered_one():
    a, b = name_keys(person_tokens("John Smith")), name_keys(person_tokens("Smith John"))
    assert a.parts == b.parts == "john smith"
    assert a.ordered != b.ordered


def test_an_initial_meets_the_full_given_name_in_either_order():
    initial = name_keys(person_tokens("J. Smith"))
    full = name_keys(person_tokens("John Smith"))
    swapped = name_keys(person_tokens("Smith John"))
    assert initial.has_initial and not full.has_initial
    assert initial.initial == full.initial == "j smth"
    assert swapped.swapped_initial == initial.initial


def test_first_and_last_name_from_the_record_say_which_part_is_which():
    keys = name_keys(tokens("Smith John"), given=["john"], surname=["smith"])
    assert keys.initial == "j smth"
    assert keys.swapped_initial is None


def test_titles_are_not_name_parts():
    assert person_tokens("Mr. John Smith") == ["john", "smith"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme Holdings Ltd.", "ACME HOLDINGS LIMITED"),
        ("Gulf Trading L.L.C.", "Gulf Trading LLC"),
        ("Banco Nacional S.A.", "BANCO NACIONAL SA"),
        ("Müller GmbH", "Muller"),
        ("ООО «Ромашка»", "Romashka"),
    ],
)
def test_legal_forms_are_removed_from_company_names(a, b):
    assert skeleton(" ".join(organization_tokens(a))) == skeleton(" ".join(organization_tokens(b)))
    assert organization_tokens(a)  # something of the name is left


def test_the_legal_form_goes_and_the_name_stays():
    assert organization_tokens("Acme Trading Ltd") == ["acme", "trading"]
