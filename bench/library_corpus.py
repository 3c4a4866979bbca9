"""A synthetic Library corpus at SHERLOC scale and beyond, in the Library's record format.

SHERLOC holds about 3,400 cases and 14,000 legislative provisions (17,400 "records" counted as
provisions plus cases). ``corpus(records)`` yields laws (each with ``PROVISIONS_PER_LAW``
provisions) and cases in the ratio SHERLOC has, until ``records`` provisions and cases are
written: 17,400 is SHERLOC's scale, 870,000 fifty times it, and the issue's figure of
1,000,000 a little more.

The text is generated deterministically in six languages (English, French, Spanish, Russian,
Arabic, Chinese) from a Zipf-distributed vocabulary of made-up words per language, into which
the subject's own words are mixed at realistic rates ("trafficking", "traite", "trata",
"торговля", "الاتجار", "贩运" …), so a search for a subject word matches a few per cent of the
corpus, as it would in SHERLOC, and a made-up word from the tail matches a handful. States,
articles, crime types and issues are drawn from the real reference data given to ``corpus``.
Every record is marked ``is_demo`` and titled "[Synthetic]".
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterator

from benchlib import VOCABULARY, made_up_words

LANGUAGES = ["en", "fr", "es", "ru", "ar", "zh"]
#: Subject words of each language, mixed into the text (each at about 1 word in 60).
SUBJECT = {
    "en": ["trafficking", "smuggling", "firearms", "laundering", "organized", "victim"],
    "fr": ["traite", "trafic", "armes", "blanchiment", "organisée", "victime"],
    "es": ["trata", "tráfico", "armas", "blanqueo", "organizada", "víctima"],
    "ru": ["торговля", "незаконный", "оружие", "отмывание", "организованная", "жертва"],
    "ar": ["الاتجار", "تهريب", "الأسلحة", "غسل", "المنظمة", "الضحية"],
    "zh": ["贩运", "偷运", "枪支", "洗钱", "有组织", "被害人"],
}
PROVISIONS_PER_LAW = 20
#: SHERLOC's proportion: 3,400 cases to 14,000 provisions.
CASE_SHARE = 3400 / 17400
SHERLOC_RECORDS = 17_400


class _Text:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.vocab = {language: made_up_words(language, rng) for language in LANGUAGES}
        weights = [1 / (rank + 10) for rank in range(VOCABULARY)]
        total, acc, self.cumulative = sum(weights), 0.0, []
        for w in weights:
            acc += w / total
            self.cumulative.append(acc)

    def sentence(self, language: str, n: int) -> str:
        rng, words, subject = self.rng, self.vocab[language], SUBJECT[language]
        chosen = []
        for _ in range(n):
            if rng.random() < 1 / 60:
                chosen.append(rng.choice(subject))
            else:
                chosen.append(
                    words[min(bisect.bisect_left(self.cumulative, rng.random()), VOCABULARY - 1)]
                )
        return ("" if language == "zh" else " ").join(chosen)

    def word(self, language: str, rank: int) -> str:
        return self.vocab[language][rank]


def corpus(
    records: int,
    *,
    states: list[str],
    articles: list[str],
    crime_types: list[str],
    issues: list[str],
    seed: int = 20261202,
    draft_share: float = 0.05,
) -> Iterator[dict]:
    """Yield laws and cases (Library format) until ``records`` provisions and cases exist.

    ``draft_share`` of the records are drafts (what a State has not yet submitted), so the
    public and a State's focal point see different sets."""
    rng = random.Random(seed)
    text = _Text(rng)
    written = law_no = case_no = 0
    while written < records:
        language = LANGUAGES[rng.randrange(len(LANGUAGES))]
        state = states[rng.randrange(len(states))]
        status = "draft" if rng.random() < draft_share else "published"
        year = rng.randint(2001, 2025)
        if rng.random() < CASE_SHARE:
            case_no += 1
            written += 1
            yield {
                "kind": "case",
                "state": state,
                "number": f"synthetic-{case_no}",
                "status": status,
                "is_demo": True,
                "title": "[Synthetic] " + text.sentence(language, rng.randint(4, 9))[:450],
                "language": language,
                "decided": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "summaries": {language: text.sentence(language, rng.randint(60, 120))},
                "lessons_learned": text.sentence(language, rng.randint(10, 30)),
                "keywords": [text.word(language, rng.randrange(200)) for _ in range(3)],
                "crime_types": rng.sample(crime_types, k=min(len(crime_types), rng.randint(1, 2))),
                "issues": rng.sample(issues, k=min(len(issues), rng.randint(0, 2))),
            }
            continue
        law_no += 1
        provisions = []
        for p in range(min(PROVISIONS_PER_LAW, records - written)):
            provisions.append(
                {
                    "number": f"Art. {p + 1}",
                    "heading": text.sentence(language, rng.randint(2, 6))[:450],
                    "text": text.sentence(language, rng.randint(30, 90)),
                    "articles": rng.sample(articles, k=rng.randint(1, 2)),
                    "crime_types": rng.sample(crime_types, k=1),
                    "issues": rng.sample(issues, k=rng.randint(0, 1)),
                }
            )
        written += len(provisions)
        yield {
            "kind": "legislation",
            "state": state,
            "number": f"synthetic-{law_no}",
            "status": status,
            "is_demo": True,
            "title": "[Synthetic] " + text.sentence(language, rng.randint(4, 9))[:450],
            "title_en": "[Synthetic] law " + str(law_no),
            "language": language,
            "law_type": "act",
            "adopted": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "provisions": provisions,
        }


def queries(seed: int = 20261202) -> list[tuple[str, str]]:
    """``(label, query)`` pairs: a subject word in each language (matches a few per cent),
    a common and a rare made-up word, two words, a phrase."""
    text = _Text(random.Random(seed))  # the same vocabulary as ``corpus`` with this seed
    found = []
    for language in LANGUAGES:
        found.append((f"subject word ({language})", SUBJECT[language][0]))
        found.append((f"common word ({language})", text.word(language, 40)))
        found.append((f"rare word ({language})", text.word(language, 3000)))
    found.append(("two words (en)", f"{SUBJECT['en'][0]} {text.word('en', 20)}"))
    found.append(("phrase (fr)", f'"{text.word("fr", 1)} {text.word("fr", 2)}"'))
    return found
