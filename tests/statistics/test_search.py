"""The ICCS in site search: a category is found by its label, its Spanish label and the
national terms of the index under it."""

import pytest

from palermo.statistics.models import IccsCode

pytestmark = pytest.mark.django_db


def iccs_results(client, query):
    groups = {g["key"]: g for g in client.get("/api/search", {"q": query}).json()}
    return [r["url"] for r in groups.get("iccs", {}).get("results", [])]


def test_a_category_is_found_by_label_spanish_label_and_index_term(client):
    robbery = IccsCode.objects.get(code="0401")
    assert "/statistics/iccs/0401/" in iccs_results(client, robbery.label)
    # "Robo" finds robbery and its sub-categories (whose labels begin "Robo …"), nothing else.
    found = iccs_results(client, robbery.label_es)
    assert found and all(url.startswith("/statistics/iccs/0401") for url in found), found
    term = robbery.index_terms.order_by("term").first()
    assert term is not None, "the reference data's index has terms under 0401"
    assert "/statistics/iccs/0401/" in iccs_results(client, term.term)


def test_nothing_is_found_for_a_word_the_classification_lacks(client):
    assert iccs_results(client, "zzyzxqv") == []
