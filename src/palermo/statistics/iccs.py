"""Suggestions of ICCS codes for a State's own offence category, from the ICCS alphabetical
index of national terms; a person confirms one (``services.map_offence``/``confirm_mapping``).

Ranking (pure, ``rank``): the category and each index term are cut into lower-case words
(accents and punctuation dropped, words of fewer than three letters and a few common words
left out). A term scores the share of its words found in the category (``recall``) times the
share of the category's words found in the term (``precision``), so an exact match scores 1;
a category naming the code's own label is scored the same way against the label. Suggestions
are the codes of the best-scoring terms, highest first, each with the term that matched.
"""

import re
import unicodedata
from dataclasses import dataclass

STOP = {
    "the",
    "and",
    "for",
    "with",
    "without",
    "against",
    "from",
    "into",
    "other",
    "any",
    "act",
    "acts",
    "of",
    "a",
    "an",
    "or",
    "by",
    "to",
    "in",
    "on",
}


@dataclass(frozen=True)
class Suggestion:
    code: str
    label: str
    score: float
    reason: str


def words(text: str) -> set[str]:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return {w for w in re.findall(r"[a-z]+", text) if len(w) >= 3 and w not in STOP}


def score(category: set[str], term: set[str]) -> float:
    if not category or not term:
        return 0.0
    common = len(category & term)
    return (common / len(term)) * (common / len(category))


class Index:
    """The index terms and the labels cut into words once, to rank many categories (a
    State's whole list on the mapping page) without cutting them again for each."""

    def __init__(self, terms, labels: dict[str, str]):
        self.labels = labels
        self.entries = [
            (text, code, kind, words(text))
            for text, code, kind in [(t, c, "index") for t, c in terms]
            + [(label, c, "label") for c, label in labels.items()]
            if code in labels  # the index may name a code that does not exist
        ]

    def rank(self, category: str, limit: int = 5) -> list[Suggestion]:
        wanted = words(category)
        best: dict[str, Suggestion] = {}
        if not wanted:
            return []
        for text, code, kind, term in self.entries:
            s = score(wanted, term)
            if s <= 0:
                continue
            reason = (
                f"index term “{text}” ({s:.0%} match)"
                if kind == "index"
                else f"ICCS label “{text}” ({s:.0%} match)"
            )
            if code not in best or s > best[code].score:
                best[code] = Suggestion(code, self.labels[code], round(s, 4), reason)
        return sorted(best.values(), key=lambda s: (-s.score, s.code))[:limit]


def rank(category: str, terms, labels: dict[str, str], limit: int = 5) -> list[Suggestion]:
    """``terms``: (term, code) pairs of the index; ``labels``: code → label."""
    return Index(terms, labels).rank(category, limit)


def loaded_index() -> Index:
    """The index of the loaded classification."""
    from .models import IccsCode, IccsIndexTerm

    labels = dict(IccsCode.objects.values_list("code", "label"))
    return Index(IccsIndexTerm.objects.values_list("term", "code"), labels)


def suggest(category: str, limit: int = 5) -> list[Suggestion]:
    """Ranked ICCS codes for a national offence category, from the loaded index."""
    return loaded_index().rank(category, limit)
