"""The shared table body and the form renderer write what django-tables2's and Django's own
templates write, cell by cell and option by option: they are faster, not different."""

import datetime as dt

import django_tables2 as tables
import pytest
from bs4 import BeautifulSoup
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import RequestFactory
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from palermo.platform.forms import FormRenderer
from palermo.platform.tables import PalermoTable
from palermo.treaties.choices import ActionKind
from palermo.treaties.models import TreatyAction
from tests.factories import ParticipantFactory, TreatyActionFactory

pytestmark = pytest.mark.django_db


def cells(html: str) -> list[list[str]]:
    """The inner HTML of every body cell, row by row."""
    soup = BeautifulSoup(html, "lxml")
    return [[td.decode_contents() for td in tr.find_all("td")] for tr in soup.select("tbody tr")]


def stock(table) -> str:
    """The same table through django-tables2's own template and cell loop."""
    table.template_name = "django_tables2/table.html"
    request = RequestFactory().get("/")
    return table.as_html(request)


def ours(table) -> str:
    request = RequestFactory().get("/")
    return table.as_html(request)


class ActionTable(PalermoTable):
    """Every way a cell is made: a choices field, a foreign-key accessor, a date column, a
    boolean, a template column, linkify, a render method with the record, the default."""

    kind = tables.Column()
    participant = tables.Column(accessor="participant__name", linkify=lambda record: "/p/")
    date = tables.DateColumn(format="Y-m-d")
    bound = tables.BooleanColumn(accessor="participant__sids")
    note = tables.TemplateColumn("<b>{{ record.source }}</b>")
    footnotes = tables.Column(default="none")
    shown = tables.Column(empty_values=(), verbose_name="custom")

    class Meta(PalermoTable.Meta):
        model = TreatyAction
        fields = ("kind", "participant", "date", "bound", "note", "footnotes", "shown")

    def render_shown(self, record, bound_row):
        return format_html("<i>{}</i> &amp; {}", record.source, type(bound_row).__name__)


def test_model_rows_render_the_same_cells_as_django_tables2():
    argentina = ParticipantFactory(name="Argentina <&>")
    made = [
        TreatyActionFactory(participant=argentina, kind=ActionKind.SIGNATURE, source="a & b"),
        TreatyActionFactory(participant=ParticipantFactory(name="Chile"), footnotes="3"),
    ]
    queryset = (
        TreatyAction.objects.filter(pk__in=[a.pk for a in made])
        .select_related("participant")
        .order_by("pk")
    )

    expected = cells(stock(ActionTable(queryset)))
    got = cells(ours(ActionTable(queryset)))

    assert got == expected
    assert got[0][0] == "Signature"  # the choice's label, not its stored value
    assert "Argentina &lt;&amp;&gt;" in got[0][1]  # escaped, inside its link
    assert got[0][5] == "none"  # the default for an empty value


class DictTable(PalermoTable):
    name = tables.Column()
    count = tables.Column()
    when = tables.Column()
    html = tables.Column()
    missing = tables.Column(default="—")


def test_dict_rows_are_localized_and_escaped_as_a_template_would():
    rows = [
        {
            "name": "<script>",
            "count": 1234567,
            "when": dt.date(2010, 7, 13),
            "html": mark_safe("<b>x</b>"),
        },
        {"name": "Côte d’Ivoire", "count": 0, "when": None, "html": "<b>y</b>"},
    ]
    for language in ("en", "fr", "ar"):
        with override(language):
            expected = cells(stock(DictTable(rows)))
            got = cells(ours(DictTable(rows)))
            assert got == expected, language
    assert got[0][0] == "&lt;script&gt;"
    assert got[0][3] == "<b>x</b>"  # safe content stays markup
    assert got[1][3] == "&lt;b&gt;y&lt;/b&gt;"


def test_an_empty_table_shows_its_empty_text_and_rows_alternate():
    html = ours(DictTable([], empty_text="Nothing here"))
    assert cells(html) == [["Nothing here"]]
    html = ours(DictTable([{"name": str(i)} for i in range(3)]))
    classes = [tr["class"] for tr in BeautifulSoup(html, "lxml").select("tbody tr")]
    assert classes == [["even"], ["odd"], ["even"]]


class AllSelects(forms.Form):
    plain = forms.ChoiceField(choices=[("1", "One & only"), ("2", gettext_lazy("Two"))])
    grouped = forms.ChoiceField(
        choices=[("Europe", [("FR", "France"), ("DE", "Germany")]), ("", "None")],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[(1, "a"), (2, "b"), (3, '"quoted"')])
    maybe = forms.NullBooleanField()
    numbers = forms.TypedChoiceField(coerce=int, choices=[(1, 1000), (2, 2.5)])
    custom = forms.ChoiceField(
        choices=[("x", "X")],
        widget=forms.Select(attrs={"class": "wide", "data-x": mark_safe("<ok>"), "disabled": True}),
    )


@pytest.mark.parametrize("data", [None, {"plain": "2", "grouped": "DE", "many": ["1", "3"]}])
@pytest.mark.parametrize("language", ["en", "fr", "ru"])
def test_the_form_renderer_writes_exactly_what_djangos_templates_write(data, language):
    with override(language):
        expected = [str(f) for f in AllSelects(data, renderer=DjangoTemplates())]
        got = [str(f) for f in AllSelects(data, renderer=FormRenderer())]
    assert got == expected
    if data:
        assert "selected>Germany</option>" in "".join(got)


def test_the_form_renderer_leaves_other_widgets_to_the_templates():
    class Other(forms.Form):
        radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)
        text = forms.CharField()

    assert [str(f) for f in Other(renderer=FormRenderer())] == [
        str(f) for f in Other(renderer=DjangoTemplates())
    ]
