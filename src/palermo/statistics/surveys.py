"""Design-based estimates from a victimization survey's microdata.

Pure (numpy only, no Django, no I/O): ``Design.build(weights, strata, clusters)`` describes the
sample; ``estimate(design, crimes, groups)`` gives, for every crime type, every measure and every
group, the weighted estimate with its standard error, its 95% confidence interval and flags.
``survey_io`` reads the files and checks them; ``survey_cli`` is the command.

Every measure is a ratio of two weighted totals, ``R = Ŷ / X̂`` with ``Ŷ = Σ wᵢ yᵢ`` and
``X̂ = Σ wᵢ xᵢ`` over the respondents (for a crime type ``c``: ``v`` victim 0/1, ``k`` number of
incidents, ``r`` number of those incidents reported to the police):

==========================  ==============================  ================================
measure                     y                               x (the base)
==========================  ==============================  ================================
``prevalence``              ``v``                           1 (every respondent)
``incidence``               ``k × per`` (per 1,000)         1 (every respondent)
``repeat_victimization``    1 when ``k ≥ 2``                ``v`` (the victims)
``reporting_incidents``     ``r``                           ``k`` (the incidents)
``reporting_victims``       1 when ``r ≥ 1``                ``v`` (the victims)
==========================  ==============================  ================================

A respondent with a missing value in a variable a measure needs is left out of that measure
(both ``y`` and ``x`` set to 0), as is a respondent outside the group: groups are *domains*, so the
whole design (every stratum and PSU) stays in the variance, as R ``survey`` does with
``subset()``.

Variance (Taylor linearization, with-replacement sampling of the primary sampling units, R
``survey``'s default; Wolter, *Introduction to Variance Estimation*, 2nd ed., §6.11): the
linearized variable of the ratio is ``zᵢ = wᵢ (yᵢ − R xᵢ) / X̂``; with ``z_hj`` its total over
PSU ``j`` of stratum ``h``, ``n_h`` the number of PSUs in stratum ``h`` and ``z̄_h`` their mean::

    V(R) = Σ_h  n_h / (n_h − 1)  Σ_j (z_hj − z̄_h)²

Without clusters every respondent is its own PSU; without strata there is one stratum. PSU
labels are read within their stratum (R's ``nest = TRUE``). No finite population correction.
A stratum with a single PSU cannot give a variance; ``single_psu`` says what is done:
``"adjust"`` (the default; R ``options(survey.lonely.psu = "adjust")``) centres its PSU total at
the mean of all PSU totals of the design, ``Σz / #PSUs``, with no ``n/(n−1)`` factor; for these
ratio estimators ``Σz = 0``, so the stratum adds ``z_h1²``, a conservative contribution (R
``survey``'s older rule, centring at 0, gives the same here);
``"certainty"`` treats the PSU as taken with certainty and adds nothing; ``"fail"`` refuses the
design.

Confidence interval: ``R ± t(0.975; df) × SE`` with ``df = #PSUs − #strata`` of the whole design
(R ``confint(svymean(...), df = degf(design))``); symmetric, not truncated at 0. An estimate is
flagged ``few_respondents`` when fewer than ``min_n`` respondents (unweighted, default 30) are
in its base, ``unreliable`` when its relative standard error ``SE / R`` is above ``max_rse``
(default 0.30), and ``no_respondents`` (with no value) when its base is empty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SINGLE_PSU = ("adjust", "certainty", "fail")
MEASURES = (
    "prevalence",
    "incidence",
    "repeat_victimization",
    "reporting_incidents",
    "reporting_victims",
)
MIN_RESPONDENTS = 30
MAX_RSE = 0.30
PER = 1000

FEW_RESPONDENTS, UNRELIABLE, NO_RESPONDENTS = "few_respondents", "unreliable", "no_respondents"


def _(message: str) -> str:
    """Translated when Django's settings are loaded (the command, the pages), else as written."""
    try:
        from django.conf import settings
        from django.utils.translation import gettext
    except ImportError:  # pragma: no cover - Django is always installed with Palermo
        return message
    return gettext(message) if settings.configured else message


class DesignError(ValueError):
    """The design or the data given to the estimators cannot be used (says why)."""


@dataclass(frozen=True)
class Design:
    """A sample: respondents' weights, and which PSU of which stratum each belongs to.

    Build it with ``Design.build``; the fields are integer codes and group sizes that make
    every variance two ``bincount`` calls and a sum over PSUs.
    """

    weights: np.ndarray
    #: PSU (0..P−1) of each respondent; PSUs are numbered stratum by stratum.
    psu: np.ndarray
    #: Stratum (0..H−1) of each PSU.
    psu_stratum: np.ndarray
    #: Number of PSUs of each stratum.
    stratum_psus: np.ndarray
    stratum_labels: tuple[str, ...]
    single_psu: str

    @classmethod
    def build(
        cls,
        weights,
        strata=None,
        clusters=None,
        *,
        single_psu: str = "adjust",
    ) -> Design:
        w = np.asarray(weights, dtype=float)
        n = w.shape[0]
        if w.ndim != 1 or n == 0:
            raise DesignError(_("The survey has no respondents."))
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise DesignError(_("Weights must be numbers of 0 or more."))
        if not w.sum() > 0:
            raise DesignError(_("Every weight is 0."))
        if single_psu not in SINGLE_PSU:
            raise DesignError(
                _("Unknown single-PSU rule “%(rule)s”; use one of: %(known)s.")
                % {"rule": single_psu, "known": ", ".join(SINGLE_PSU)}
            )
        if strata is None:
            labels, s_code = np.array(["1"]), np.zeros(n, dtype=np.int64)
        else:
            labels, s_code = np.unique(_labels(strata, n), return_inverse=True)
        if clusters is None:
            c_code = np.arange(n, dtype=np.int64)
        else:
            c_code = np.unique(_labels(clusters, n), return_inverse=True)[1]
        # A PSU is a (stratum, cluster) pair; np.unique sorts the keys, so PSUs come stratum
        # by stratum.
        key = s_code.astype(np.int64) * (int(c_code.max()) + 1) + c_code
        _keys, psu = np.unique(key, return_inverse=True)
        n_psu = _keys.shape[0]
        psu_stratum = np.zeros(n_psu, dtype=np.int64)
        psu_stratum[psu] = s_code
        stratum_psus = np.bincount(psu_stratum, minlength=labels.shape[0])
        design = cls(
            weights=w,
            psu=psu,
            psu_stratum=psu_stratum,
            stratum_psus=stratum_psus,
            stratum_labels=tuple(str(x) for x in labels),
            single_psu=single_psu,
        )
        if single_psu == "fail" and design.single_psu_strata:
            raise DesignError(
                _(
                    "Strata with a single PSU, where no variance can be estimated: %(strata)s. "
                    "Merge them with a neighbouring stratum or choose the “adjust” or "
                    "“certainty” rule."
                )
                % {"strata": ", ".join(design.single_psu_strata)}
            )
        return design

    @property
    def n(self) -> int:
        return int(self.weights.shape[0])

    @property
    def n_psus(self) -> int:
        return int(self.psu_stratum.shape[0])

    @property
    def n_strata(self) -> int:
        return int(self.stratum_psus.shape[0])

    @property
    def df(self) -> int:
        """Degrees of freedom of the t intervals: #PSUs − #strata (R's ``degf``)."""
        return self.n_psus - self.n_strata

    @property
    def single_psu_strata(self) -> list[str]:
        return [self.stratum_labels[h] for h in np.flatnonzero(self.stratum_psus == 1)]

    def psu_totals(self, values: np.ndarray) -> np.ndarray:
        """Σ over each PSU of ``values`` (one per respondent)."""
        return np.bincount(self.psu, weights=values, minlength=self.n_psus)

    def variance(self, totals: np.ndarray) -> np.ndarray:
        """Variance of an estimated total from its linearized PSU totals (P, or P × K)."""
        totals = np.asarray(totals, dtype=float)
        n_h = self.stratum_psus
        starts = np.concatenate([[0], np.cumsum(n_h)[:-1]])
        means = np.add.reduceat(totals, starts, axis=0) / (
            n_h if totals.ndim == 1 else n_h[:, None]
        )
        deviations = totals - means[self.psu_stratum]
        lonely = n_h[self.psu_stratum] == 1
        if lonely.any():
            deviations[lonely] = totals[lonely] if self.single_psu == "adjust" else 0.0
        scale = np.where(n_h > 1, n_h / np.maximum(n_h - 1, 1), 1.0)[self.psu_stratum]
        if totals.ndim > 1:
            scale = scale[:, None]
        return (scale * deviations**2).sum(axis=0)

    def ratio(self, y: np.ndarray, x: np.ndarray) -> tuple[float, float]:
        """The estimate ``Σwy / Σwx`` and its linearized standard error (NaN if ``Σwx`` is 0)."""
        r, se, _base = self._ratio(self.weights, y, x)
        return r, se

    def _ratio(self, w: np.ndarray, y: np.ndarray, x: np.ndarray) -> tuple[float, float, float]:
        # The PSU totals of z = w (y − R x) / X̂ are (T_y − R T_x) / X̂, with T_y and T_x the
        # PSU totals of wy and wx: two bincounts, nothing per respondent.
        t_y = self.psu_totals(w * np.asarray(y, dtype=float))
        t_x = self.psu_totals(w * np.asarray(x, dtype=float))
        x_hat = float(t_x.sum())
        if not x_hat > 0:
            return math.nan, math.nan, x_hat
        r = float(t_y.sum()) / x_hat
        return r, math.sqrt(float(self.variance((t_y - r * t_x) / x_hat))), x_hat


def _labels(values, n: int) -> np.ndarray:
    values = np.asarray(values)
    if values.shape != (n,):
        raise DesignError(_("Design variables must have one value per respondent."))
    return values.astype(str)


@dataclass(frozen=True)
class Crime:
    """One crime type's answers, one value per respondent; NaN where the answer is missing.

    ``incidents`` and ``reported`` may be absent (None); the measures that need them are then
    not given. ``reported_is_count`` False means ``reported`` is only a yes/no flag (any
    incident reported), so the share of incidents reported cannot be computed.
    """

    name: str
    victim: np.ndarray
    incidents: np.ndarray | None = None
    reported: np.ndarray | None = None
    reported_is_count: bool = True

    def measures(self) -> list[str]:
        names = ["prevalence"]
        if self.incidents is not None:
            names += ["incidence", "repeat_victimization"]
            if self.reported is not None and self.reported_is_count:
                names.append("reporting_incidents")
        if self.reported is not None:
            names.append("reporting_victims")
        return names

    def columns(self, measure: str, per: float) -> tuple[np.ndarray, np.ndarray]:
        """``y`` and ``x`` of a measure, with 0 for respondents missing a needed answer."""
        v, k, r = self.victim, self.incidents, self.reported
        if measure == "prevalence":
            parts, y, x = [v], v, np.ones_like(v)
        elif measure == "incidence":
            parts, y, x = [k], k * per, np.ones_like(k)
        elif measure == "repeat_victimization":
            parts, y, x = [v, k], (k >= 2).astype(float), v
        elif measure == "reporting_incidents":
            parts, y, x = [k, r], r, k
        elif measure == "reporting_victims":
            parts, y, x = [v, r], (r >= 1).astype(float), v
        else:
            raise DesignError(_("Unknown measure “%(m)s”.") % {"m": measure})
        answered = np.logical_and.reduce([~np.isnan(p) for p in parts])
        return np.where(answered, y, 0.0), np.where(answered, x, 0.0)


def any_crime(crimes: list[Crime], name: str = "any") -> Crime:
    """Victimization by at least one of ``crimes``: victim when a victim of any of them.

    A respondent is a non-victim only when every answer is 0, and missing when none is 1 and
    one is missing. Incidents and reports are the sums over the crime types (missing if one is
    missing), so "repeat" here means two or more incidents of any of the types; they are given
    only when every crime type has them.
    """
    victims = np.vstack([c.victim for c in crimes])
    victim = np.where(
        (victims == 1).any(axis=0), 1.0, np.where(np.isnan(victims).any(axis=0), np.nan, 0.0)
    )

    def total(parts):
        return None if any(p is None for p in parts) else np.vstack(parts).sum(axis=0)

    return Crime(
        name,
        victim,
        total([c.incidents for c in crimes]),
        total([c.reported for c in crimes]),
        reported_is_count=all(c.reported_is_count for c in crimes),
    )


@dataclass(frozen=True)
class Estimate:
    """One figure: a measure of a crime type among all respondents or in one group."""

    crime: str
    measure: str
    #: The grouping column and its value; both None for all respondents.
    group: str | None
    level: str | None
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    #: Relative standard error SE / estimate; None when the estimate is 0 or missing.
    rse: float | None
    #: Respondents in the base (unweighted): all respondents, the victims, or the victims
    #: with at least one incident, according to the measure.
    n: int
    weighted_base: float
    flags: tuple[str, ...]


def estimate(
    design: Design,
    crimes: list[Crime],
    groups: dict[str, np.ndarray] | None = None,
    *,
    per: float = PER,
    min_n: int = MIN_RESPONDENTS,
    max_rse: float = MAX_RSE,
) -> list[Estimate]:
    """Every measure of every crime type, for all respondents and in each group's levels.

    ``groups`` maps a column name to one label per respondent (``""`` = missing: that
    respondent is in no level of the group). Levels come in sorted order.
    """
    # (group, level, membership 0/1, weights × membership); outside a level, a weight of 0.
    domains: list[tuple[str | None, str | None, np.ndarray | None, np.ndarray]] = [
        (None, None, None, design.weights)
    ]
    for column, values in (groups or {}).items():
        labels = _labels(values, design.n)
        for level in sorted(set(np.unique(labels).tolist()) - {""}):
            mask = (labels == level).astype(float)
            domains.append((column, level, mask, design.weights * mask))
    t = t_quantile(0.975, design.df) if design.df > 0 else None
    results: list[Estimate] = []
    for crime in crimes:
        for measure in crime.measures():
            y_all, x_all = crime.columns(measure, per)
            for column, level, mask, w in domains:
                r, se, base = design._ratio(w, y_all, x_all)
                n = int(np.count_nonzero(x_all if mask is None else x_all * mask))
                if n and not math.isnan(r):
                    e = _figure(crime.name, measure, column, level, r, se, n, base, t)
                else:
                    e = Estimate(
                        crime.name, measure, column, level, None, None, None, None, None,
                        n, base, (NO_RESPONDENTS,),
                    )  # fmt: skip
                results.append(_flag(e, min_n, max_rse))
    return results


def _figure(crime, measure, column, level, r, se, n, base, t) -> Estimate:
    r, se = float(r), float(se)
    low, high = (r - t * se, r + t * se) if t is not None else (None, None)
    rse = se / r if r > 0 else None
    return Estimate(crime, measure, column, level, r, se, low, high, rse, n, float(base), ())


def _flag(e: Estimate, min_n: int, max_rse: float) -> Estimate:
    if e.estimate is None:
        return e
    flags = []
    if e.n < min_n:
        flags.append(FEW_RESPONDENTS)
    if e.rse is not None and e.rse > max_rse:
        flags.append(UNRELIABLE)
    return Estimate(**{**e.__dict__, "flags": tuple(flags)}) if flags else e


# Student's t quantile, so that the estimators need numpy only: the distribution function
# through the regularized incomplete beta function (continued fraction, Numerical Recipes 3rd
# ed. §6.4), inverted by bisection.


def _betacf(a: float, b: float, x: float) -> float:
    tiny, qab, qap, qam = 1e-300, a + b, a + 1.0, a - 1.0

    def floor(value: float) -> float:
        return value if abs(value) > tiny else tiny

    c, d = 1.0, 1.0 / floor(1.0 - qab * x / qap)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d, c = 1.0 / floor(1.0 + aa * d), floor(1.0 + aa / c)
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d, c = 1.0 / floor(1.0 + aa * d), floor(1.0 + aa / c)
        h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


@lru_cache(maxsize=64)
def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile (0.5 < p < 1) of Student's t with ``df`` ≥ 1 degrees of freedom."""
    if not 0.5 < p < 1 or df < 1:
        raise DesignError(_("A t quantile needs 0.5 < p < 1 and at least 1 degree of freedom."))
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _step in range(200):
        mid = (low + high) / 2.0
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12:
            break
    return (low + high) / 2.0
