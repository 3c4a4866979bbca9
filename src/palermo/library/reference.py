"""Loads the Library's controlled vocabularies from ``data/crime_types.csv`` and
``data/cross_cutting_issues.csv`` (their sources: ``data/SOURCES.md``).

Columns: ``code,name,name_ar,name_es,name_fr,name_ru,name_zh,[iccs_code,]position,source``.
A term is matched by its code and updated in place, so loading again is harmless; a term no
longer in the file is kept (records may be tagged with it) and reported.
"""

import csv
from pathlib import Path

from django.db import transaction

from palermo.platform.audit import as_system

from .models import CrimeType, CrossCuttingIssue

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("ar", "es", "fr", "ru", "zh")
FILES = (("crime_types.csv", CrimeType), ("cross_cutting_issues.csv", CrossCuttingIssue))


class VocabularyError(Exception):
    """A vocabulary file that cannot be loaded: names the file, its line and the column."""


def strip(value) -> str:
    return (value or "").strip()


def read_vocabulary(path: Path, model) -> list[dict]:
    """The terms of one file, checked: every error names the file, line and column."""
    required = ["code", "name", "position", "source"]
    if model is CrimeType:
        required.append("iccs_code")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise VocabularyError(f"{path.name}, line 1: missing column(s) {', '.join(missing)}")
        terms, seen = [], set()
        for line, row in enumerate(reader, start=2):
            code = strip(row.get("code"))
            if not code or not strip(row.get("name")):
                raise VocabularyError(f"{path.name}, line {line}, column code/name: empty")
            if code in seen:
                raise VocabularyError(f"{path.name}, line {line}, column code: “{code}” repeated")
            seen.add(code)
            try:
                position = int(strip(row.get("position")) or 0)
            except ValueError:
                raise VocabularyError(
                    f"{path.name}, line {line}, column position: not a whole number"
                ) from None
            term = {
                "code": code,
                "name": strip(row["name"]),
                "names": {
                    lang: strip(row.get(f"name_{lang}"))
                    for lang in LANGUAGES
                    if strip(row.get(f"name_{lang}"))
                },
                "position": position,
                "source": strip(row.get("source"))[:400],
            }
            if model is CrimeType:
                term["iccs_code"] = strip(row.get("iccs_code"))
            terms.append(term)
    return terms


@transaction.atomic
@as_system
def load_vocabularies(data: Path = DATA) -> dict:
    """Create or update both vocabularies; returns counts and notes."""
    counts, notes = {}, []
    for filename, model in FILES:
        path = data / filename
        if not path.is_file():
            notes.append(f"{filename} is missing: no {model._meta.verbose_name_plural} loaded")
            counts[model.__name__] = 0
            continue
        terms = read_vocabulary(path, model)
        for term in terms:
            code = term.pop("code")
            obj, _created = model.objects.get_or_create(code=code, defaults=term)
            changed = [k for k, v in term.items() if getattr(obj, k) != v]
            if changed:
                for k in changed:
                    setattr(obj, k, term[k])
                obj.full_clean()
                obj.save()
        stale = model.objects.exclude(code__in=[t["code"] for t in read_vocabulary(path, model)])
        for term in stale:
            notes.append(f"{model._meta.verbose_name} “{term.code}” is no longer in {filename}")
        counts[model.__name__] = len(terms)
    return {
        "crime_types": counts.get("CrimeType", 0),
        "issues": counts.get("CrossCuttingIssue", 0),
        "notes": notes,
    }
