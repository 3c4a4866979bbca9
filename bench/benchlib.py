"""What the benchmark scripts share: a throwaway PostgreSQL database, and writing one script's
section of docs/benchmarks.md (each script is run as ``python bench/NAME.py``, so this folder is
on its path)."""

from pathlib import Path


def throwaway_postgres(url: str, prefix: str):
    """A new database ``<prefix>_<pid>`` on the server ``url`` names (the database it names is
    not touched), and a function that drops it."""
    import os

    import psycopg

    name = f"{prefix}_{os.getpid()}"
    base = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


def write_section(report: Path, begin: str, end: str, text: str) -> None:
    """Put ``text`` (which starts with ``begin`` and ends with ``end``) in place of that section
    of ``report``, or at its end when the section is not there yet."""
    existing = report.read_text(encoding="utf-8") if report.exists() else ""
    if begin in existing and end in existing:
        before, rest = existing.split(begin, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        existing = before + text + ("\n" + after if after else "")
    else:
        existing = existing.rstrip("\n") + "\n\n" + text
    report.write_text(existing, encoding="utf-8")


#: Letters of the made-up words of each language of the synthetic corpora.
ALPHABETS = {
    "en": "abcdefghijklmnoprstuvwy",
    "fr": "abcdefghijlmnoprstuvéèàêç",
    "es": "abcdefghijlmnopqrstuvñáéíóú",
    "ru": "абвгдежзийклмнопрстуфхцчшщыэюя",
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "zh": "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年",
}
#: Made-up words per language.
VOCABULARY = 5000


def made_up_words(language: str, rng) -> list[str]:
    """``VOCABULARY`` distinct made-up words of ``language`` (Chinese: 2–4 characters, as it is
    written without spaces; others 3–9 letters), drawn from ``rng``."""
    letters = ALPHABETS[language]
    size = (2, 4) if language == "zh" else (3, 9)
    seen, words = set(), []
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(letters) for _ in range(rng.randint(*size)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
