"""Entity resolution: which records in a workspace describe the same person or company, with
the evidence for and against, and the clusters that the reviewer's decisions make.

Pure Python over records, no Django models (only gettext for the words an analyst reads).

**Records** are FollowTheMoney entities: ``{"id": …, "schema": "Person", "properties": {…}}``
(the shape of ``EntityProxy.to_dict()``; a proxy itself is accepted), or the rows of a pandas
DataFrame with an ``id`` column, a ``schema`` column and one column per property. The schemata
are Person, Company, Organization and LegalEntity; a LegalEntity may match either a person or an
organisation, a person never matches an organisation. The properties read are the names
(``name``, ``alias`` is ignored, ``firstName``/``middleName``/``lastName``), ``birthDate`` or
``incorporationDate``, ``nationality``/``country``/``jurisdiction``, ``passportNumber``,
``idNumber``, ``registrationNumber``, ``phone``, ``email`` and ``iban`` (a BankAccount's
property in FollowTheMoney, which the caller copies from the accounts a record holds); the first value of a
multi-valued property is the one compared. A value FollowTheMoney does not accept (a date that
is not a date, a country it does not know, a bad IBAN) is an error naming the record and the
property.

**Scoring** is Splink's Fellegi–Sunter model on its embedded DuckDB backend (Splink 5). Pairs
are *blocked* — only records sharing a name skeleton, a surname and initial, a date or an
identifier are compared — and each pair gets one level per comparison (name, date, country and
each identifier), each level a Bayes factor ``m/u``: how much more often that level is seen
among true matches (``m``) than among random pairs (``u``). The match weight is ``log2`` of the
prior odds times those factors, and the evidence lists each factor as its ``log2`` (a weight of
+10 multiplies the odds by about a thousand).

**Parameters.** With :data:`TRAINING_MINIMUM` records or more, ``u`` is estimated by random
sampling of pairs (seeded) and ``m`` by expectation–maximisation on the pairs of two blockings
(:data:`TRAINING_BLOCKINGS`: same date, then same name skeleton and country; each trains the
comparisons it does not use), and the prior by Splink's deterministic-rule estimate. A level
that no training pair shows keeps its prior. A workspace smaller than that (twenty
records, say) has too few pairs to learn from, so it is scored with the priors written in
:data:`COMPARISONS` — hand-set from what the levels mean (an identical passport number is about
a million times likelier for the same person than for two random people) — and a prior that
assumes one record in ten has a duplicate. Both paths are deterministic.

**Decisions.** :func:`resolve` turns a reviewer's decisions ``(a, b, "accept"|"reject")`` into
clusters: accepts join transitively (union–find), a reject keeps two entities apart so that an
accept which would join them is refused and reported as a :class:`Conflict`, and since the
clusters are recomputed from the decisions alone, removing a decision undoes what it did.

**Spark.** ``find_candidates(records, db_api=SparkAPI(spark_session=spark))`` runs the same
settings on Splink's Spark backend, for data beyond one machine; the tests run it when
``pyspark`` is installed.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import time
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import pandas as pd
import phonenumbers
from django.utils.translation import gettext_lazy as _
from followthemoney import model, registry
from normality import ascii_text

from palermo.analysis import names

TRAINING_MINIMUM = 1000
DEFAULT_SEED = 42
DEFAULT_MIN_PROBABILITY = 0.05
#: The prior used without training: about one record in ten has a duplicate.
DUPLICATE_SHARE = 0.1

SCHEMATA = {
    "Person": "person",
    "Company": "organization",
    "Organization": "organization",
    "LegalEntity": "any",
}

DATE_PROPERTIES = ("birthDate", "incorporationDate")
COUNTRY_PROPERTIES = ("nationality", "country", "jurisdiction")
#: Properties FollowTheMoney keeps on a linked entity (the IBAN on a BankAccount held by the
#: person) that the caller may put on the record itself.
LINKED_PROPERTIES = frozenset({"iban"})


class ResolutionError(ValueError):
    """Bad input for entity resolution; the message says which record and which property."""


# --- Records to comparison columns ------------------------------------------------------------


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _values(properties: Mapping[str, Any], name: str) -> list[str]:
    value = properties.get(name)
    if _missing(value):
        return []
    if isinstance(value, str):
        value = [value]
    return [str(v).strip() for v in value if v is not None and str(v).strip()]


def _first(properties: Mapping[str, Any], *names_: str) -> tuple[str, str] | None:
    for name in names_:
        values = _values(properties, name)
        if values:
            return name, values[0]
    return None


def _as_record(item: Any, position: int) -> tuple[str, str, Mapping[str, Any]]:
    if hasattr(item, "to_dict") and hasattr(item, "schema"):
        item = item.to_dict()
    if not isinstance(item, Mapping):
        raise ResolutionError(
            _("Record %(n)d is not an entity (a mapping with id, schema and properties).")
            % {"n": position}
        )
    entity_id = item.get("id")
    if entity_id is None or str(entity_id).strip() == "":
        raise ResolutionError(_("Record %(n)d has no id.") % {"n": position})
    schema = item.get("schema")
    if schema not in SCHEMATA:
        raise ResolutionError(
            _("Record %(n)d (id %(id)s): schema “%(schema)s” cannot be resolved; use %(known)s.")
            % {"n": position, "id": entity_id, "schema": schema, "known": ", ".join(SCHEMATA)}
        )
    properties = item.get("properties", {})
    ftm = model.get(schema)
    for name in properties:
        if ftm.get(name) is None and name not in LINKED_PROPERTIES:
            raise ResolutionError(
                _("Record %(n)d (id %(id)s): %(schema)s has no property “%(prop)s”.")
                % {"n": position, "id": entity_id, "schema": schema, "prop": name}
            )
    return str(entity_id), schema, properties


def _records(records: Iterable[Any] | pd.DataFrame) -> list[tuple[str, str, Mapping[str, Any]]]:
    if isinstance(records, pd.DataFrame):
        missing = {"id", "schema"} - set(records.columns)
        if missing:
            raise ResolutionError(
                _("The table has no column %(cols)s.") % {"cols": ", ".join(sorted(missing))}
            )
        rows = records.to_dict("records")
        records = [
            {
                "id": row.pop("id"),
                "schema": row.pop("schema"),
                "properties": {k: v for k, v in row.items() if not _missing(v)},
            }
            for row in rows
        ]
    seen: set[str] = set()
    out = []
    for position, item in enumerate(records, start=1):
        entity_id, schema, properties = _as_record(item, position)
        if entity_id in seen:
            raise ResolutionError(
                _("Record %(n)d: id %(id)s appears twice.") % {"n": position, "id": entity_id}
            )
        seen.add(entity_id)
        out.append((entity_id, schema, properties))
    return out


_ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@lru_cache(maxsize=65536)
def _cleaned(type_name: str, text: str) -> str | None:
    if type_name == "date" and _ISO_DATE.fullmatch(text):
        try:  # the common case, without FollowTheMoney's general date parser
            return dt.date.fromisoformat(text).isoformat() if len(text) == 10 else text
        except ValueError:
            return None
    return registry.get(type_name).clean(text)


def _clean(type_name: str, text: str, entity_id: str, prop: str) -> str:
    value = _cleaned(type_name, text)
    if value is None:
        raise ResolutionError(
            _("Record %(id)s: %(prop)s “%(value)s” is not valid.")
            % {"id": entity_id, "prop": prop, "value": text}
        )
    return value


def _identifier(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", ascii_text(text).upper()) or None


def _iban(text: str, entity_id: str) -> str:
    iban = re.sub(r"[\s\-.]", "", text).upper()
    valid = re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban) and (
        int("".join(str(int(c, 36)) for c in iban[4:] + iban[:4])) % 97 == 1
    )
    if not valid:
        raise ResolutionError(
            _("Record %(id)s: iban “%(value)s” is not an IBAN (wrong shape or check digits).")
            % {"id": entity_id, "value": text}
        )
    return iban


@lru_cache(maxsize=65536)
def _phone(text: str, country: str | None) -> str:
    """The number in E.164 without the plus (digits with the country code), read with the
    record's country as the default region; a number that cannot be read keeps its digits."""
    try:
        number = phonenumbers.parse(text, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", text) or None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def prepare(records: Iterable[Any] | pd.DataFrame) -> pd.DataFrame:
    """One row per record with the columns the comparisons read (``unique_id`` is the entity
    id). Raises :class:`ResolutionError` on a record or value that cannot be read."""
    rows = []
    for entity_id, schema, props in _records(records):
        kind = SCHEMATA[schema]
        given = names.person_tokens(" ".join(_values(props, "firstName")))
        surname = names.person_tokens(" ".join(_values(props, "lastName")))
        written = _values(props, "name")
        if kind == "person":
            parts = names.person_tokens(written[0]) if written else []
            if not parts:
                middle = names.person_tokens(" ".join(_values(props, "middleName")))
                parts = given + middle + surname
        else:
            parts = names.organization_tokens(written[0]) if written else []
        keys = names.name_keys(parts, given=given or None, surname=surname or None)
        date = _first(props, *DATE_PROPERTIES)
        country = _first(props, *COUNTRY_PROPERTIES)
        country_code = _clean("country", country[1], entity_id, country[0]) if country else None
        ids = {}
        for column, prop in [
            ("passport", "passportNumber"),
            ("id_number", "idNumber"),
            ("registration", "registrationNumber"),
        ]:
            found = _first(props, prop)
            ids[column] = _identifier(found[1]) if found else None
        iban = _first(props, "iban")
        phone = _first(props, "phone")
        email = _first(props, "email")
        rows.append(
            {
                "unique_id": entity_id,
                "schema": schema,
                "kind": kind,
                "name_ordered": keys.ordered,
                "name_parts": keys.parts,
                "name_skeleton": keys.skeleton,
                "name_initial": keys.initial,
                "name_swapped_initial": keys.swapped_initial,
                "has_initial": int(keys.has_initial),
                "date": _clean("date", date[1], entity_id, date[0]) if date else None,
                "country": country_code,
                **ids,
                "iban": _iban(iban[1], entity_id) if iban else None,
                "phone": _phone(phone[1], country_code) if phone else None,
                "email": _clean("email", email[1], entity_id, "email").lower() if email else None,
            }
        )
    columns = [
        "unique_id",
        "schema",
        "kind",
        "name_ordered",
        "name_parts",
        "name_skeleton",
        "name_initial",
        "name_swapped_initial",
        "has_initial",
        "date",
        "country",
        "passport",
        "id_number",
        "registration",
        "iban",
        "phone",
        "email",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({c: "object" for c in columns if c != "has_initial"}).where(
        frame.notna(), None
    )


# --- The comparisons, their levels, their priors and their words ----------------------------


@dataclass(frozen=True)
class Level:
    """One level of a comparison: its SQL (Splink's ``name_l``/``name_r`` form), the prior
    ``m`` and ``u`` used without training, and what it means in words (``org_label`` when the
    wording differs for a company)."""

    key: str
    sql: str | None
    m: float
    u: float
    label: Any
    org_label: Any = None


def _same(column: str) -> str:
    return f"{column}_l = {column}_r"


def _identifier_levels(column: str, same: Any, different: Any, m_same: float, u_same: float):
    return [
        Level("same", _same(column), m_same, u_same, same),
        Level("different", None, 1 - m_same, 1 - u_same, different),
    ]


COMPARISONS: dict[str, tuple[str, list[Level]]] = {
    "name": (
        "name_ordered",
        [
            Level("exact", _same("name_ordered"), 0.55, 0.0005, _("same name")),
            Level(
                "reordered",
                _same("name_parts"),
                0.05,
                0.00005,
                _("same name parts in another order"),
            ),
            Level(
                "transliterated",
                _same("name_skeleton"),
                0.15,
                0.002,
                _("same name in another spelling or script"),
            ),
            Level(
                "initial",
                "(name_initial_l = name_initial_r OR name_initial_l = name_swapped_initial_r"
                " OR name_swapped_initial_l = name_initial_r)"
                " AND (has_initial_l = 1 OR has_initial_r = 1)",
                0.05,
                0.001,
                _("initial agrees with the given name, same surname"),
            ),
            Level(
                "close",
                "{jaro_winkler}(name_parts_l, name_parts_r) >= 0.92",
                0.12,
                0.005,
                _("names spelled almost alike"),
            ),
            Level(
                "similar",
                "{jaro_winkler}(name_parts_l, name_parts_r) >= 0.85",
                0.05,
                0.02,
                _("names somewhat alike"),
            ),
            Level("different", None, 0.03, 0.97245, _("different names")),
        ],
    ),
    "date": (
        "date",
        [
            Level(
                "exact",
                _same("date"),
                0.85,
                0.0001,
                _("same date of birth"),
                _("same date of incorporation"),
            ),
            Level(
                "swapped",
                "length(date_l) = 10 AND length(date_r) = 10"
                " AND substr(date_l, 1, 4) = substr(date_r, 1, 4)"
                " AND substr(date_l, 6, 2) = substr(date_r, 9, 2)"
                " AND substr(date_l, 9, 2) = substr(date_r, 6, 2)",
                0.02,
                0.00002,
                _("birth dates with day and month swapped"),
                _("incorporation dates with day and month swapped"),
            ),
            Level(
                "typo",
                "length(date_l) = 10 AND length(date_r) = 10 AND {levenshtein}(date_l, date_r) = 1",
                0.06,
                0.002,
                _("birth dates differ by one digit"),
                _("incorporation dates differ by one digit"),
            ),
            Level(
                "year",
                "substr(date_l, 1, 4) = substr(date_r, 1, 4)",
                0.04,
                0.02,
                _("same year of birth only"),
                _("same year of incorporation only"),
            ),
            Level(
                "different",
                None,
                0.03,
                0.97778,
                _("different dates of birth"),
                _("different dates of incorporation"),
            ),
        ],
    ),
    "country": (
        "country",
        [
            Level(
                "same",
                _same("country"),
                0.95,
                0.1,
                _("same nationality"),
                _("same country"),
            ),
            Level(
                "different",
                None,
                0.05,
                0.9,
                _("different nationality"),
                _("different country"),
            ),
        ],
    ),
    "passport": (
        "passport",
        _identifier_levels(
            "passport",
            _("same passport number"),
            _("different passport numbers"),
            0.95,
            0.000001,
        ),
    ),
    "id_number": (
        "id_number",
        _identifier_levels(
            "id_number",
            _("same identity number"),
            _("different identity numbers"),
            0.95,
            0.000001,
        ),
    ),
    "registration": (
        "registration",
        _identifier_levels(
            "registration",
            _("same registration number"),
            _("different registration numbers"),
            0.95,
            0.000001,
        ),
    ),
    "iban": (
        "iban",
        _identifier_levels(
            "iban", _("same IBAN"), _("different IBANs (people hold several)"), 0.7, 0.00001
        ),
    ),
    "phone": (
        "phone",
        _identifier_levels(
            "phone",
            _("same phone number"),
            _("different phone numbers (people hold several)"),
            0.6,
            0.0001,
        ),
    ),
    "email": (
        "email",
        _identifier_levels(
            "email",
            _("same e-mail address"),
            _("different e-mail addresses (people hold several)"),
            0.6,
            0.00001,
        ),
    ),
}

#: Only pairs that share one of these (or whose initial keys meet with the parts swapped) are
#: compared, always within compatible schemata.
BLOCKING_KEYS = [
    "name_skeleton",
    "name_initial",
    "date",
    "passport",
    "id_number",
    "registration",
    "iban",
    "phone",
    "email",
]


def _blocking_rules() -> list[str]:
    compatible = "(l.kind = r.kind OR l.kind = 'any' OR r.kind = 'any')"
    rules = [f"l.{key} = r.{key} AND {compatible}" for key in BLOCKING_KEYS]
    rules.append(f"l.name_initial = r.name_swapped_initial AND {compatible}")
    rules.append(f"l.name_swapped_initial = r.name_initial AND {compatible}")
    return rules


def settings(n_records: int, *, train: bool, dialect=None):
    """Splink settings for these comparisons in a backend's SQL dialect (DuckDB's by default).
    Without training, the priors of :data:`COMPARISONS` are set as the model's parameters."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator

    if dialect is None:
        from splink.internals.dialects import DuckDBDialect

        dialect = DuckDBDialect()
    functions = {
        "jaro_winkler": dialect.jaro_winkler_function_name,
        "levenshtein": dialect.levenshtein_function_name,
    }
    comparisons = []
    for output, (column, levels) in COMPARISONS.items():
        created = [cll.NullLevel(column)]
        for level in levels:
            creator = (
                cll.CustomLevel(level.sql.format(**functions)) if level.sql else cll.ElseLevel()
            )
            created.append(
                creator.configure(
                    label_for_charts=level.key, m_probability=level.m, u_probability=level.u
                )
            )
        comparisons.append(cl.CustomComparison(created, output_column_name=output))
    pairs = max(n_records * (n_records - 1) / 2, 1)
    prior = min(0.5, DUPLICATE_SHARE * n_records / pairs) if not train else 0.0001
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=_blocking_rules(),
        probability_two_random_records_match=prior,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["kind"],
    )


# --- Results ---------------------------------------------------------------------------------


def _signed(weight: float) -> str:
    return f"{'+' if weight >= 0 else '−'}{abs(weight):.1f}"


@dataclass(frozen=True)
class Evidence:
    """One comparison's verdict on a pair: its level, its weight (``log2`` of its Bayes
    factor: positive for, negative against) and the words for it."""

    comparison: str
    level: str
    weight: float
    label: str

    @property
    def text(self) -> str:
        """ "same passport number (+19.9)"."""
        return f"{self.label} ({_signed(self.weight)})"


@dataclass(frozen=True)
class CandidatePair:
    """Two records that may be one entity, with Splink's score and the evidence."""

    left: str
    right: str
    match_probability: float
    match_weight: float
    evidence: tuple[Evidence, ...]

    @property
    def evidence_for(self) -> list[Evidence]:
        return [e for e in self.evidence if e.weight > 0]

    @property
    def evidence_against(self) -> list[Evidence]:
        return [e for e in self.evidence if e.weight < 0]

    def explain(self) -> list[str]:
        """The evidence as an analyst reads it, strongest first."""
        return [e.text for e in self.evidence]


@dataclass
class Candidates:
    """The candidate pairs, best first, and how the model was parametrised."""

    pairs: list[CandidatePair]
    trained: bool
    prior_weight: float
    records: int
    #: Seconds spent reading the records, training, scoring (Splink) and writing the evidence.
    timings: dict[str, float] = field(default_factory=dict)

    def pair(self, a: str, b: str) -> CandidatePair | None:
        key = {str(a), str(b)}
        return next((p for p in self.pairs if {p.left, p.right} == key), None)

    def rank(self, a: str, b: str) -> int | None:
        """The 1-based position of the pair (a, b) in the list, or None when not a candidate."""
        key = {str(a), str(b)}
        return next((i for i, p in enumerate(self.pairs, 1) if {p.left, p.right} == key), None)


#: The EM sessions: each trains the comparisons its blocking does not use. The first
#: alternative that yields pairs is used (a workspace without nationalities falls back to the
#: name skeleton alone, which is slower on large data: more pairs share a name than a name and
#: a country).
TRAINING_BLOCKINGS = [
    [["date"]],
    [["name_skeleton", "country"], ["name_skeleton"]],
]


def _train(linker, frame: pd.DataFrame, seed: int) -> None:
    from splink import block_on

    try:
        linker.training.estimate_probability_two_random_records_match(
            [
                "l.passport = r.passport",
                "l.name_ordered = r.name_ordered AND l.date = r.date",
            ],
            recall=0.7,
        )
    except Exception:  # noqa: BLE001 - no deterministic match in the data: keep the prior
        logging.getLogger(__name__).info("kept the prior probability of a match")
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
    for alternatives in TRAINING_BLOCKINGS:
        # Checked beforehand: a Splink EM session that finds no pair fails after it has taken
        # its blocking's comparisons out of the model.
        keys = next(
            (k for k in alternatives if frame.dropna(subset=k).duplicated(subset=k).any()), None
        )
        if keys is None:
            logging.getLogger(__name__).info("no pairs to train on with %s", alternatives)
            continue
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*keys), fix_u_probabilities=True
        )


def _register(db_api, frame: pd.DataFrame):
    """The prepared records as a table of the backend. Spark is given the column types, since
    it cannot infer the type of a column that holds no value (no record has an e-mail)."""
    if db_api.sql_dialect.sql_dialect_str != "spark":
        return db_api.register(frame)
    from pyspark.sql.types import IntegerType, StringType, StructField, StructType

    schema = StructType(
        [
            StructField(c, IntegerType() if c == "has_initial" else StringType(), True)
            for c in frame.columns
        ]
    )
    rows = list(frame.itertuples(index=False, name=None))
    return db_api.register(db_api.spark.createDataFrame(rows, schema))


def find_candidates(
    records: Iterable[Any] | pd.DataFrame,
    *,
    min_probability: float = DEFAULT_MIN_PROBABILITY,
    train: bool | None = None,
    seed: int = DEFAULT_SEED,
    db_api=None,
) -> Candidates:
    """The candidate pairs among ``records`` at or above ``min_probability``, best first.

    ``train`` forces (True) or skips (False) the estimation of the parameters; by default they
    are estimated from :data:`TRAINING_MINIMUM` records up. ``db_api`` is Splink's backend
    (DuckDB in memory by default; ``splink.SparkAPI`` for Spark)."""
    from splink import DuckDBAPI, Linker

    started = time.perf_counter()
    frame = prepare(records)
    timings = {"prepare": time.perf_counter() - started}
    n = len(frame)
    if train is None:
        train = n >= TRAINING_MINIMUM
    if n < 2:
        return Candidates([], bool(train), 0.0, n)
    db_api = db_api or DuckDBAPI()
    linker = Linker(
        _register(db_api, frame),
        settings(n, train=train, dialect=db_api.sql_dialect),
        log_level=logging.WARNING,
    )
    started = time.perf_counter()
    if train:
        _train(linker, frame, seed)
    timings["train"] = time.perf_counter() - started
    started = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=min_probability)
    table = predictions.as_pandas_dataframe()
    timings["predict"] = time.perf_counter() - started
    started = time.perf_counter()
    model_settings = linker._settings_obj
    levels = {}
    for comparison in model_settings.comparisons:
        levels[comparison.output_column_name] = {
            level.comparison_vector_value: level.label_for_charts
            for level in comparison.comparison_levels
            if not level.is_null_level
        }
    lam = model_settings._probability_two_random_records_match
    prior_weight = math.log2(lam / (1 - lam))
    # Each level's words, rendered once in the active language: (comparison, gamma) → (level
    # key, label for people, label for organisations).
    words = {}
    for output, (_column, comparison_levels) in COMPARISONS.items():
        by_key = {level.key: level for level in comparison_levels}
        for gamma, key in levels[output].items():
            level = by_key[key]
            words[output, gamma] = (key, str(level.label), str(level.org_label or level.label))
    wanted = ["unique_id_l", "unique_id_r", "match_probability", "match_weight", "kind_l"]
    wanted += ["kind_r"] + [f"{p}_{o}" for o in COMPARISONS for p in ("gamma", "mw")]
    pairs = []
    for row in table[wanted].to_dict("records"):
        organisation = "organization" in (row["kind_l"], row["kind_r"])
        evidence = []
        for output in COMPARISONS:
            gamma = int(row[f"gamma_{output}"])
            if gamma == -1:
                continue
            key, person_label, org_label = words[output, gamma]
            label = org_label if organisation else person_label
            evidence.append(Evidence(output, key, float(row[f"mw_{output}"]), label))
        evidence.sort(key=lambda e: (-abs(e.weight), e.comparison))
        left, right = sorted([str(row["unique_id_l"]), str(row["unique_id_r"])])
        pairs.append(
            CandidatePair(
                left,
                right,
                float(row["match_probability"]),
                float(row["match_weight"]),
                tuple(evidence),
            )
        )
    pairs.sort(key=lambda p: (-p.match_weight, p.left, p.right))
    timings["evidence"] = time.perf_counter() - started
    return Candidates(pairs, bool(train), prior_weight, n, timings)


# --- Decisions and clusters ------------------------------------------------------------------

Verdict = Literal["accept", "reject"]


@dataclass(frozen=True)
class Conflict:
    """An accept that was refused because it would put two rejected entities in one cluster."""

    accepted: tuple[Hashable, Hashable]
    rejected: tuple[Hashable, Hashable]

    @property
    def text(self) -> str:
        return str(
            _(
                "Accepting %(a)s = %(b)s would merge %(c)s and %(d)s, which were rejected as "
                "different; the accept was not applied."
            )
            % {
                "a": self.accepted[0],
                "b": self.accepted[1],
                "c": self.rejected[0],
                "d": self.rejected[1],
            }
        )


@dataclass
class Clusters:
    """The entities grouped by the accepted decisions."""

    clusters: list[frozenset]
    conflicts: list[Conflict] = field(default_factory=list)

    def cluster_of(self, entity: Hashable) -> frozenset:
        return next((c for c in self.clusters if entity in c), frozenset([entity]))

    def same(self, a: Hashable, b: Hashable) -> bool:
        return b in self.cluster_of(a)


def resolve(
    decisions: Sequence[tuple[Hashable, Hashable, Verdict]], entities: Iterable[Hashable] = ()
) -> Clusters:
    """Clusters from decisions, in the order they were made.

    The last decision on a pair replaces the earlier ones (a reviewer may change their mind).
    Accepts are transitive; every reject is a constraint, so an accept that would join two
    clusters holding a rejected pair is refused and reported. ``entities`` adds the records
    no decision mentions, as clusters of one."""
    latest: dict[frozenset, tuple[int, Hashable, Hashable, str]] = {}
    for index, decision in enumerate(decisions, start=1):
        try:
            a, b, verdict = decision
        except (TypeError, ValueError):
            raise ResolutionError(
                _("Decision %(n)d is not (entity, entity, accept|reject).") % {"n": index}
            ) from None
        if verdict not in ("accept", "reject"):
            raise ResolutionError(
                _("Decision %(n)d: “%(verdict)s” is neither accept nor reject.")
                % {"n": index, "verdict": verdict}
            )
        if a == b:
            raise ResolutionError(
                _("Decision %(n)d compares %(a)s with itself.") % {"n": index, "a": a}
            )
        latest[frozenset((a, b))] = (index, a, b, verdict)
    ordered = sorted(latest.values(), key=lambda d: d[0])
    rejects = [(a, b) for _i, a, b, verdict in ordered if verdict == "reject"]

    parent: dict[Hashable, Hashable] = {}
    members: dict[Hashable, set] = {}

    def root(x):
        if x not in parent:
            parent[x] = x
            members[x] = {x}
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for entity in entities:
        root(entity)
    for a, b in rejects:
        root(a), root(b)
    conflicts = []
    for _i, a, b, verdict in ordered:
        if verdict != "accept":
            continue
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        clash = next(
            (
                (x, y)
                for x, y in rejects
                if (x in members[ra] and y in members[rb])
                or (y in members[ra] and x in members[rb])
            ),
            None,
        )
        if clash:
            conflicts.append(Conflict((a, b), clash))
            continue
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        members[ra] |= members.pop(rb)
    clusters = [frozenset(group) for group in members.values()]
    clusters.sort(key=lambda c: (-len(c), sorted(map(str, c))[0]))
    return Clusters(clusters, conflicts)
