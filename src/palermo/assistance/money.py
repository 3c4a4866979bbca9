"""Amounts in their own currency, converted to US dollars for totals with dated rates.

A rate is the number of units of a currency to one US dollar for one month (``ExchangeRate``,
reference data with its source). An amount dated to a month uses that month's rate; an amount
dated to a year uses the mean of that year's monthly rates. Where the data has no rate for the
period, the nearest earlier month is used (the latest known rate), and failing that the nearest
later one; every conversion says which rate it used, so a total can show its rates.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .choices import BASE_CURRENCY

CENT = Decimal("0.01")


class MissingRate(ValueError):
    """No rate at all is known for a currency."""


@dataclass(frozen=True)
class Conversion:
    usd: Decimal
    currency: str
    per_usd: Decimal
    #: The period the rate is for: "2010" (a year's mean), "2010-03" (a month).
    period: str
    #: Whether the rate is for another period than the amount's (the nearest known).
    substituted: bool = False

    @property
    def label(self) -> str:
        if self.currency == BASE_CURRENCY:
            return BASE_CURRENCY
        text = _("%(cur)s %(rate)s per USD (%(period)s)") % {
            "cur": self.currency,
            "rate": f"{self.per_usd.normalize():f}",
            "period": self.period,
        }
        if self.substituted:
            text += " " + _("nearest rate known")
        return text


class Converter:
    """Converts amounts with the rates in the database, read once per currency."""

    def __init__(self):
        self._rates: dict[str, tuple[list[date], list[Decimal]]] = {}
        self.used: dict[tuple[str, str], Conversion] = {}

    def _load(self, currency: str):
        if currency not in self._rates:
            from .models import ExchangeRate

            rows = list(
                ExchangeRate.objects.filter(currency=currency)
                .order_by("month")
                .values_list("month", "per_usd")
            )
            self._rates[currency] = ([m for m, _ in rows], [r for _, r in rows])
        return self._rates[currency]

    def rate(self, currency: str, year: int, month: int | None = None) -> Conversion:
        """The rate for the period, as a conversion of one dollar."""
        currency = currency.upper()
        if currency == BASE_CURRENCY:
            return Conversion(Decimal(1), currency, Decimal(1), str(year))
        months, rates = self._load(currency)
        if not months:
            raise MissingRate(
                _("No exchange rate is known for %(cur)s: add its rates to the reference data.")
                % {"cur": currency}
            )
        if month:
            target = date(year, month, 1)
            i = bisect_right(months, target) - 1
            if i >= 0 and months[i] == target:
                return Conversion(Decimal(1), currency, rates[i], f"{year}-{month:02d}")
            j = i if i >= 0 else 0
            return Conversion(Decimal(1), currency, rates[j], f"{months[j]:%Y-%m}", True)
        lo = bisect_left(months, date(year, 1, 1))
        hi = bisect_right(months, date(year, 12, 31))
        if hi > lo:
            mean = sum(rates[lo:hi], Decimal(0)) / (hi - lo)
            return Conversion(Decimal(1), currency, mean.quantize(Decimal("0.000001")), str(year))
        j = lo - 1 if lo > 0 else 0
        return Conversion(Decimal(1), currency, rates[j], f"{months[j]:%Y-%m}", True)

    def to_usd(self, amount, currency: str, year: int, month: int | None = None) -> Conversion:
        amount = Decimal(amount)
        rate = self.rate(currency, year, month)
        usd = (amount / rate.per_usd).quantize(CENT, rounding=ROUND_HALF_UP)
        conversion = Conversion(usd, rate.currency, rate.per_usd, rate.period, rate.substituted)
        if rate.currency != BASE_CURRENCY:
            self.used[(rate.currency, rate.period)] = rate
        return conversion

    def total(self, rows) -> Decimal:
        """The sum in dollars of ``rows``: objects or dicts with amount, currency, year, month."""
        total = Decimal(0)
        for row in rows:
            get = row.get if isinstance(row, dict) else lambda k, r=row: getattr(r, k)
            total += self.to_usd(get("amount"), get("currency"), get("year"), get("month")).usd
        return total

    def rates_used(self) -> list[Conversion]:
        """The rates the conversions so far used, to show beside the totals."""
        return sorted(self.used.values(), key=lambda c: (c.currency, c.period))
