from urllib.parse import quote

import django_tables2 as tables
from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableData
from django_tables2.utils import OrderBy

from palermo.core.tables import PalermoTable

from .choices import Status
from .queries import LOCAL_NAMES


class StatusTable(PalermoTable):
    name = tables.Column(verbose_name=_("Participant"))
    code = tables.Column(verbose_name=_("ISO code"))
    region = tables.Column(verbose_name=_("Region"))
    group = tables.Column(verbose_name=_("UN regional group"))
    status = tables.Column(verbose_name=_("Status"))
    # A plain column: DateColumn compiles a template per cell, a fifth of the page's time.
    in_force_from = tables.Column(verbose_name=_("In force for it from"), default="—")

    class Meta(PalermoTable.Meta):
        order_by = ("name",)
        exclude = ()

    def render_name(self, value, record):
        # The link by hand rather than linkify=, whose per-cell machinery (attribute dicts, the
        # URL callable's signature inspected) cost more than the rest of the row; and the URL
        # reversed once per table, the code put in its place per row.
        if not hasattr(self, "_profile_url"):
            self._profile_url = reverse("core:participant", args=["__code__"])
        url = self._profile_url.replace("__code__", quote(record["code"]))
        return format_html('<a href="{}">{}</a>', url, value)

    def value_name(self, value):
        return value

    def render_status(self, value):
        # A handful of statuses: each label translated and formatted once per table.
        shown = self.__dict__.setdefault("_status_html", {})
        if value not in shown:
            shown[value] = format_html(
                '<span class="status status-{}">{}</span>', value, Status(value).label
            )
        return shown[value]

    def render_in_force_from(self, value):
        return value.isoformat()

    def value_in_force_from(self, value):
        return value.isoformat() if value else ""  # an empty cell, so spreadsheets see dates

    def value_status(self, value):
        return str(Status(value).label)


def _translated(field: str, names) -> Case | F:
    """``field`` as the reader sees it (``gettext`` of the stored English name), for ORDER BY:
    one WHEN per distinct name (a few dozen regions or groups)."""
    whens = [When(**{field: name}, then=Value(gettext(name))) for name in names if name]
    return Case(*whens, default=F(field)) if whens else F(field)


class DatabaseStatusRows(TableData):
    """The status table's rows, sorted and paginated in the database: only the rows of the
    page shown are built (``build``, e.g. ``queries.status_rows``). For the columns the
    database holds (name, code, region, group); the view falls back to a list of every row for
    the others (status, in force from), which only the rule engine knows."""

    SORTABLE = ("name", "code", "region", "group")

    def __init__(self, participants, build):
        super().__init__(participants)
        self.build = build
        self._length = None

    def __len__(self):
        if self._length is None:
            self._length = self.data.count()
        return self._length

    def __iter__(self):
        return iter(self.build(self.data))

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self.build(self.data[key])
        return self.build(self.data[key : key + 1])[0]

    def _expression(self, name: str):
        if name == "name":
            lang = (get_language() or "en").split("-")[0]
            if lang in LOCAL_NAMES:
                return Coalesce(NullIf(F(f"name_{lang}"), Value("")), F("name"))
            return F("name")
        if name == "code":
            return F("code")
        field = "region__name" if name == "region" else "regional_group__name"
        if (get_language() or "en").startswith("en"):
            return F(field)
        names = self.data.order_by().values_list(field, flat=True).distinct()
        return _translated(field, list(names))

    def order_by(self, aliases):
        ordering = []
        for alias in aliases:
            bare = OrderBy(alias).bare
            if bare not in self.SORTABLE:
                continue
            expression = self._expression(bare)
            # Empty first when ascending, as the list sort of the rendered "" has it, on both
            # backends (PostgreSQL puts NULLs last by default).
            if alias.startswith("-"):
                ordering.append(expression.desc(nulls_last=True))
            else:
                ordering.append(expression.asc(nulls_first=True))
        self.data = self.data.order_by(*ordering, "code")
