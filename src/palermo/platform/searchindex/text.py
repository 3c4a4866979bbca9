"""Text for the search index, the same on every backend (pure Python, no Django).

- ``fold``: case folding (every script: Latin, Greek, Cyrillic …), diacritics removed (Latin
  accents, Arabic harakat and hamza forms, Greek tonos), Arabic letter variants unified, as
  Lucene's Arabic normalizer does. ``й`` keeps its breve (it is a letter of its own in Russian).
- ``tokens``: the words of folded text; runs of Chinese, Japanese or Korean characters (written
  without spaces) become overlapping bigrams, as Lucene's CJK analyzer does, so a two-character
  word matches inside a longer run on both backends.
- ``parse``: the query language — words (all required), ``"a phrase"``, ``prefix*``, ``OR``,
  ``NOT`` or ``-word`` — into a small tree that each backend renders in its own syntax. Any
  input parses: stray quotes, operators and punctuation never reach the database as syntax.
- ``highlight``: a snippet of the original text with the matching words in ``<mark>``, escaped.
"""

from __future__ import annotations

import html
import re
import sys
import unicodedata
from dataclasses import dataclass, field

_CJK = (
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\U00020000-\U0002fa1f"
)
_CJK_RUN = re.compile(f"[{_CJK}]+")
_WORD = re.compile(r"[^\W_]+")
_SHORT_BREVE = "\ue000"  # stands for й while marks are removed
_TABLE: dict[int, str | None] | None = None


def _table() -> dict[int, str | None]:
    global _TABLE
    if _TABLE is None:
        table: dict[int, str | None] = {
            cp: None
            for cp in range(sys.maxunicode + 1)
            if unicodedata.category(chr(cp)) in ("Mn", "Me", "Cf")
        }
        table[0x0640] = None  # Arabic tatweel
        table[ord("ى")] = "ي"  # alef maqsura → yeh
        table[ord("ة")] = "ه"  # teh marbuta → heh
        _TABLE = table
    return _TABLE


def fold(text: str) -> str:
    """Lower case, without diacritics, in every script."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("й", _SHORT_BREVE)
    text = unicodedata.normalize("NFD", text).translate(_table())
    return unicodedata.normalize("NFC", text).replace(_SHORT_BREVE, "й")


def _split(word: str) -> list[str]:
    """A folded word as index tokens: CJK runs as bigrams, the rest as it is."""
    if not _CJK_RUN.search(word):
        return [word]
    out, at = [], 0
    for run in _CJK_RUN.finditer(word):
        if run.start() > at:
            out.append(word[at : run.start()])
        chars = run.group()
        out.extend(
            [chars] if len(chars) == 1 else [chars[i : i + 2] for i in range(len(chars) - 1)]
        )
        at = run.end()
    if at < len(word):
        out.append(word[at:])
    return out


def tokens(text: str) -> list[str]:
    """The index tokens of ``text``."""
    return [t for word in _WORD.findall(fold(text)) for t in _split(word)]


def index_text(text: str) -> str:
    """``text`` as the backends index it: its tokens separated by spaces."""
    return " ".join(tokens(text))


def is_cjk(token: str) -> bool:
    return bool(_CJK_RUN.fullmatch(token))


# The query language ----------------------------------------------------------------------


@dataclass
class Term:
    """A word, or (``len(tokens) > 1``) a phrase; ``prefix``: the last token is a prefix."""

    tokens: list[str]
    prefix: bool = False


@dataclass
class Query:
    """Every ``required`` group must match (a group is terms joined by OR), no ``excluded``."""

    required: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    def __bool__(self):
        return bool(self.required)

    def terms(self) -> list[Term]:
        return [t for group in self.required for t in group]


_QUERY_PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse(text: str) -> Query:
    """The query tree of what a person typed; never raises."""
    query = Query()
    negate = join_or = False
    for match in _QUERY_PART.finditer(text or ""):
        minus, phrase, word = match.groups()
        if word in ("AND", "&&"):
            continue
        if word in ("OR", "|", "||"):
            join_or = bool(query.required)
            continue
        if word == "NOT":
            negate = True
            continue
        if phrase is not None:
            term_tokens, prefix = tokens(phrase), phrase.rstrip().endswith("*")
            negate = negate or bool(minus)
        else:
            if word.startswith("-") and len(word) > 1:
                negate, word = True, word[1:]
            prefix = word.endswith("*")
            term_tokens = tokens(word)
        if not term_tokens:
            negate = join_or = False
            continue
        if len(term_tokens) == 1 and is_cjk(term_tokens[0]) and len(term_tokens[0]) == 1:
            prefix = True  # one character: any bigram starting with it
        term = Term(term_tokens, prefix)
        if negate:
            query.excluded.append(term)
        elif join_or:
            query.required[-1].append(term)
        else:
            query.required.append([term])
        negate = join_or = False
    return query


def _fts5_term(term: Term) -> str:
    quoted = '"' + " ".join(t.replace('"', '""') for t in term.tokens) + '"'
    return quoted + ("*" if term.prefix else "")


def to_fts5(query: Query) -> str:
    """SQLite FTS5 MATCH syntax: every token quoted, operators only from the tree."""
    groups = []
    for group in query.required:
        parts = [_fts5_term(t) for t in group]
        groups.append(parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")")
    expression = " AND ".join(groups)
    for term in query.excluded:
        expression = f"({expression}) NOT {_fts5_term(term)}"
    return expression


def _ts_token(token: str, prefix: bool) -> str:
    escaped = token.replace("\\", "\\\\").replace("'", "''")
    return f"'{escaped}'" + (":*" if prefix else "")


def _ts_term(term: Term) -> str:
    parts = [
        _ts_token(tok, term.prefix and i == len(term.tokens) - 1)
        for i, tok in enumerate(term.tokens)
    ]
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def to_tsquery(query: Query) -> str:
    """PostgreSQL ``to_tsquery`` input: quoted lexemes, operators only from the tree."""
    groups = []
    for group in query.required:
        parts = [_ts_term(t) for t in group]
        groups.append(parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")")
    groups.extend(f"!{_ts_term(t)}" for t in query.excluded)
    return " & ".join(groups)


# Snippets --------------------------------------------------------------------------------


def _matcher(query: Query):
    exact, prefixes = set(), []
    for term in query.terms():
        for i, tok in enumerate(term.tokens):
            if term.prefix and i == len(term.tokens) - 1:
                prefixes.append(tok)
            else:
                exact.add(tok)

    def matches(word: str) -> bool:
        for tok in _split(fold(word)):
            if tok in exact or any(tok.startswith(p) for p in prefixes):
                return True
            if is_cjk(tok) and any(e in tok for e in exact if is_cjk(e)):
                return True
        return False

    return matches


def _spans(text: str, query: Query) -> list[tuple[int, int]]:
    """Where the query's words are in ``text`` (original, not folded)."""
    matches = _matcher(query)
    spans = []
    for word in re.finditer(r"(?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670])+", text):
        value = word.group()
        if not _CJK_RUN.search(value):
            if matches(value):
                spans.append(word.span())
            continue
        # Inside a CJK run, mark each matching bigram (or single character) in place.
        grams = {t for term in query.terms() for t in term.tokens if is_cjk(t)}
        start = word.start()
        for gram in sorted(grams, key=len, reverse=True):
            for hit in re.finditer(re.escape(gram), value):
                spans.append((start + hit.start(), start + hit.end()))
        for part in re.finditer(r"[^\W_]+", _CJK_RUN.sub(" ", value)):
            if matches(part.group()):
                spans.append((start + part.start(), start + part.end()))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def has_match(text: str, query: Query) -> bool:
    return bool(_spans(unicodedata.normalize("NFC", text), query))


def _best_window(text: str, spans: list[tuple[int, int]], width: int) -> int:
    """Where the passage with the most different matching words (then the most matches) starts."""
    best, best_key = spans[0][0], (0, 0)
    spans = spans[:200]
    for i, (s, _e) in enumerate(spans):
        inside = [text[a:b] for a, b in spans[i:] if b <= s + width * 3 // 4]
        key = (len({fold(w) for w in inside}), len(inside))
        if key > best_key:
            best, best_key = s, key
    return best


def highlight(text: str, query: Query, width: int = 160) -> tuple[str, str]:
    """``(plain, html)``: the part of ``text`` around its first match (ellipses where cut),
    as plain text and as escaped HTML with each matching word in ``<mark>``."""
    text = unicodedata.normalize("NFC", " ".join((text or "").split()))
    spans = _spans(text, query)
    start = 0
    if spans and len(text) > width:
        start = max(0, _best_window(text, spans, width) - width // 4)
        if start:  # begin at a word
            space = text.rfind(" ", 0, start)
            start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(text), start + width)
    lead, tail = ("…" if start else ""), ("…" if end < len(text) else "")
    out, at = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[at:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        at = e
    out.append(html.escape(text[at:end]))
    return lead + text[start:end] + tail, lead + "".join(out) + tail
