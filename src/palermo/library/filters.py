"""Filters of the Library's browse lists: State, crime type, article, issue, year, status.

The status filter is offered only to who may see records that are not published (the
Secretariat and the contributors of a State): for everyone else every row is published.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from palermo.core.choices import Role
from palermo.core.models import Participant
from palermo.core.permissions import is_secretariat
from palermo.platform.policies import states_of
from palermo.treaties.models import Article

from .choices import RecordStatus
from .models import Case, CrimeType, CrossCuttingIssue, Law, Publication, Strategy


def sees_drafts(user) -> bool:
    """Whether ``user`` may see some record that is not published."""
    return bool(is_secretariat(user) or states_of(user, Role.FOCAL_POINT, Role.EXPERT))


def article_choices():
    rows = Article.objects.order_by("instrument__order", "position").values_list(
        "instrument__code", "number", "title"
    )
    return [(f"{code} {number}", f"{code} {number} — {title}") for code, number, title in rows]


class RecordFilter(django_filters.FilterSet):
    """What every kind's list filters on; subclasses name the paths of each filter."""

    #: Where the tags are, from the record: ``""`` on the record, ``"provisions__"`` for a law.
    tags = ""
    #: The path of the article tags (``None``: this kind is not tagged with articles).
    article_path: str | None = None
    #: The field whose year is filtered.
    year_path = "adopted__year"
    #: Fields searched by the words filter.
    text_fields = ("title",)

    q = django_filters.CharFilter(label=_("Words in the title"), method="filter_text")
    state = django_filters.ModelChoiceFilter(
        label=_("State"),
        field_name="participant",
        queryset=Participant.objects.order_by("name"),
        to_field_name="code",
    )
    crime_type = django_filters.ModelChoiceFilter(
        label=_("Crime type"),
        queryset=CrimeType.objects.all(),
        to_field_name="code",
        method="filter_crime_type",
    )
    issue = django_filters.ModelChoiceFilter(
        label=_("Cross-cutting issue"),
        queryset=CrossCuttingIssue.objects.all(),
        to_field_name="code",
        method="filter_issue",
    )
    article = django_filters.ChoiceFilter(
        label=_("Article implemented"), choices=[], method="filter_article"
    )
    year = django_filters.NumberFilter(
        label=_("Year"), method="filter_year", widget=forms.NumberInput(attrs={"min": 1900})
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RecordStatus.choices, field_name="status"
    )

    class Meta:
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        if not sees_drafts(user):
            self.filters.pop("status", None)
            self.form.fields.pop("status", None)
        if self.article_path is None:
            self.filters.pop("article", None)
            self.form.fields.pop("article", None)
        else:
            self.form.fields["article"].choices = [("", "---------"), *article_choices()]

    def filter_text(self, queryset, name, value):
        for word in value.split():
            condition = Q()
            for field in self.text_fields:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset

    def filter_crime_type(self, queryset, name, value):
        return queryset.filter(**{f"{self.tags}crime_types": value}).distinct()

    def filter_issue(self, queryset, name, value):
        return queryset.filter(**{f"{self.tags}issues": value}).distinct()

    def filter_article(self, queryset, name, value):
        code, _sep, number = value.partition(" ")
        return queryset.filter(
            **{
                f"{self.article_path}__instrument__code": code,
                f"{self.article_path}__number": number,
            }
        ).distinct()

    def filter_year(self, queryset, name, value):
        return queryset.filter(**{self.year_path: int(value)})


class LawFilter(RecordFilter):
    tags = "provisions__"
    article_path = "provisions__articles"
    text_fields = ("title", "title_en")

    class Meta:
        model = Law
        fields = []


class CaseFilter(RecordFilter):
    article_path = "charges__provisions__articles"
    year_path = "decided__year"

    class Meta:
        model = Case
        fields = []


class PublicationFilter(RecordFilter):
    year_path = "year"
    text_fields = ("title", "publisher")

    class Meta:
        model = Publication
        fields = []


class StrategyFilter(RecordFilter):
    text_fields = ("title", "title_en")

    class Meta:
        model = Strategy
        fields = []
