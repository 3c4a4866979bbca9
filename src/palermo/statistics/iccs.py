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


def rank(category: str, terms, labels: dict[str, str], limit: int = 5) -> list[Suggestion]:
    """``terms``: (term, code) pairs of the index; ``labels``: code → label."""
    wanted = words(category)
    best: dict[str, Suggestion] = {}
    pairs = [(t, c, "index") for t, c in terms] + [
        (label, c, "label") for c, label in labels.items()
    ]
    for text, code, kind in pairs:
        if code not in labels:
            continue  # the index names a code that does not exist
        s = score(wanted, words(text))
        if s <= 0:
            continue
        reason = (
            f"index term “{text}” ({s:.0%} match)"
            if kind == "index"
            else f"ICCS label “{text}” ({s:.0%} match)"
        )
        if code not in best or s > best[code].score:
            best[code] = Suggestion(code, labels[code], round(s, 4), reason)
    return sorted(best.values(), key=lambda s: (-s.score, s.code))[:limit]


def suggest(category: str, limit: int = 5) -> list[Suggestion]:
    """Ranked ICCS codes for a national offence category, from the loaded index."""
    from .models import IccsCode, IccsIndexTerm

    labels = dict(IccsCode.objects.values_list("code", "label"))
    terms = IccsIndexTerm.objects.values_list("term", "code")
    return rank(category, terms, labels, limit)
