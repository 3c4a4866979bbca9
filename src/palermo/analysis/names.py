"""Name keys for entity resolution: one spelling in Latin letters for names written in any
script, and a looser "skeleton" that survives the ways one name is transliterated.

Pure Python, no Django. Transliteration is ICU's (through ``normality.ascii_text``, the function
FollowTheMoney itself uses to compare names), so "Александр Петров" becomes "aleksandr petrov"
and "محمد علي" becomes "mhmd ly" — Arabic script writes no short vowels. Legal forms ("Ltd",
"LLC", "ООО", "S.A.", "GmbH", …) and person titles ("Mr", "Dr") are removed with ``rigour``,
the name library FollowTheMoney 4 depends on, which keeps those lists per country.

The skeleton of a name part drops its vowels and the semi-vowels ``w`` and ``y`` (which
transliterations of Arabic and Cyrillic spell in many ways), folds letters that transliterations
use for one sound (``v``/``ph``→``f``, ``c``/``q``/``ck``→``k``, ``x``→``ks``, ``kh``→``h`` as
ICU writes Cyrillic "х", ``sh``/``ch``/``zh`` as ICU writes "ш", "ч", "ж", ``z``→``s``) and collapses doubled letters. "Mohammed", "Muhammad" and "محمد" all give ``mhmd``;
"Petrov" and "Petroff" give ``ptrf``; "Alexander" and "Aleksandr" give ``lksndr``. The
skeleton is deliberately loose: it is one piece of evidence with its own (smaller) weight, never
a match by itself ("Oleg" and "Olga" share one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from normality import ascii_text
from rigour.names import remove_org_types, remove_person_prefixes

_TOKEN = re.compile(r"[a-z0-9]+")
_FOLDS = [
    ("ph", "f"),
    ("ck", "k"),
    ("kh", "h"),
    ("sh", "s"),
    ("ch", "c"),
    ("zh", "z"),
    ("x", "ks"),
    ("q", "k"),
    ("c", "k"),
    ("v", "f"),
    ("z", "s"),
]
_DROPPED = re.compile(r"[aeiouwy]")
_DOUBLED = re.compile(r"(.)\1+")


def tokens(text: str) -> list[str]:
    """The name's parts in lower-case ASCII, in the order written, punctuation dropped."""
    return list(_tokens(text or ""))


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(ascii_text(text).lower()))


@lru_cache(maxsize=65536)
def skeleton(token: str) -> str:
    """The consonant skeleton of one name part (see the module docstring); a part with no
    consonant (``"eo"``) keeps its first letter so that it is never empty."""
    folded = token
    for source, target in _FOLDS:
        folded = folded.replace(source, target)
    folded = _DOUBLED.sub(r"\1", _DROPPED.sub("", folded))
    return folded or token[:1]


def person_tokens(text: str) -> list[str]:
    return list(_person_tokens(text or ""))


@lru_cache(maxsize=65536)
def _person_tokens(text: str) -> tuple[str, ...]:
    return _tokens(remove_person_prefixes(text))


def organization_tokens(text: str) -> list[str]:
    """The name's parts with the legal form removed, before and after transliteration (so that
    both "S.A." and "ООО" go: the first is recognised in its own script, the second once it
    reads "ooo")."""
    stripped = remove_org_types((text or "").casefold())
    return tokens(remove_org_types(" ".join(tokens(stripped))))


@dataclass(frozen=True)
class NameKeys:
    """The keys one name contributes to the comparison of two records.

    ``ordered`` is the name in Latin letters as written; ``parts`` the same parts sorted (so
    "Smith John" equals "John Smith"); ``skeleton`` the sorted skeletons of the parts;
    ``initial`` the first given name's initial and the surname's skeleton ("j smth" for both
    "J. Smith" and "John Smith"), with ``has_initial`` set when the given name *is* an initial;
    ``swapped_initial`` is the same key read with the parts the other way round ("Smith John"
    gives "j smth" there), for names whose order the record does not say.
    """

    ordered: str | None
    parts: str | None
    skeleton: str | None
    initial: str | None
    swapped_initial: str | None
    has_initial: bool


EMPTY = NameKeys(None, None, None, None, None, False)


def name_keys(
    parts: list[str], *, given: list[str] | None = None, surname: list[str] | None = None
) -> NameKeys:
    """Keys for a name already split into tokens; ``given`` and ``surname`` (also tokens) say
    which part is which when the record says so, otherwise the first part is taken as the given
    name and the last as the surname."""
    if not parts:
        return EMPTY
    ordered_by_record = bool(given and surname)
    given = given or parts[:1]
    surname = surname or parts[-1:]
    several = len(parts) > 1
    has_initial = several and (
        len(given[0]) == 1 or (not ordered_by_record and len(surname[-1]) == 1)
    )
    initial = f"{given[0][0]} {skeleton(surname[-1])}" if several else None
    swapped = f"{parts[-1][0]} {skeleton(parts[0])}" if several and not ordered_by_record else None
    return NameKeys(
        ordered=" ".join(parts),
        parts=" ".join(sorted(parts)),
        skeleton=" ".join(sorted(skeleton(part) for part in parts)),
        initial=initial,
        swapped_initial=swapped,
        has_initial=has_initial,
    )
