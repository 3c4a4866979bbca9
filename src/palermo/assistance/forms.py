"""Forms of the Assistance pages: the filters of the dashboard and lists, a need as a State
records it, a status change, and the Secretariat's link from a need to an activity."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from palermo.core.choices import Role
from palermo.core.models import Participant, Region
from palermo.core.permissions import is_secretariat
from palermo.platform.policies import states_of

from .choices import NeedStatus, Origin, Priority, ProgrammeKind, WorkStatus
from .models import Activity, AssistanceType, Need, PriorityArea, Programme


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _regions():
    return Region.objects.filter(level="region").order_by("code")


class DashboardFilters(forms.Form):
    """Period, region and priority area of the dashboard's figures."""

    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False
    )
    priority_area = forms.ModelChoiceField(
        label=_("Priority area"),
        queryset=PriorityArea.objects.all(),
        to_field_name="code",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions()


class ActivityFilter(django_filters.FilterSet):
    """Type, State, region, priority area, status and origin (ours, partners', history)."""

    type = django_filters.ModelChoiceFilter(
        label=_("Type"), queryset=AssistanceType.objects.all(), to_field_name="code"
    )
    participant = django_filters.ModelChoiceFilter(
        label=_("State"),
        queryset=Participant.objects.order_by("name"),
        to_field_name="code",
        field_name="beneficiaries",
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=_regions(), field_name="beneficiaries__region"
    )
    priority_area = django_filters.ModelChoiceFilter(
        label=_("Priority area"),
        queryset=PriorityArea.objects.all(),
        to_field_name="code",
        field_name="priority_areas",
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=WorkStatus.choices)
    origin = django_filters.ChoiceFilter(label=_("Origin"), choices=Origin.choices)
    q = django_filters.CharFilter(label=_("Words"), method="filter_words")

    class Meta:
        model = Activity
        fields = ["type", "participant", "region", "priority_area", "status", "origin", "q"]

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).distinct()

    def filter_words(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value) | Q(code__iexact=value)
        )


class NeedFilter(django_filters.FilterSet):
    participant = django_filters.ModelChoiceFilter(
        label=_("State"), queryset=Participant.objects.order_by("name"), to_field_name="code"
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=_regions(), field_name="participant__region"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=NeedStatus.choices)
    type = django_filters.ModelChoiceFilter(
        label=_("Type"), queryset=AssistanceType.objects.all(), to_field_name="code"
    )
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Priority.choices)

    class Meta:
        model = Need
        fields = ["participant", "region", "status", "type", "priority"]


class NeedForm(forms.ModelForm):
    """A need as a State's focal point (for their State) or the Secretariat records it."""

    class Meta:
        model = Need
        fields = [
            "participant",
            "title",
            "description",
            "type",
            "priority_areas",
            "priority",
            "origin",
            "origin_reference",
            "wanted_by",
            "estimated_cost_usd",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "wanted_by": DateInput(),
            "priority_areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        participants = Participant.objects.order_by("name")
        if not is_secretariat(user):
            participants = participants.filter(
                pk__in=states_of(user, Role.FOCAL_POINT, Role.EXPERT)
            )
        self.fields["participant"].queryset = participants
        self.fields["participant"].empty_label = None


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=NeedStatus.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class LinkForm(forms.Form):
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=Activity.objects.none())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities


class ProgrammeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ProgrammeKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=WorkStatus.choices)
    q = django_filters.CharFilter(label=_("Words"), method="filter_words")

    class Meta:
        model = Programme
        fields = ["kind", "status", "q"]

    def filter_words(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(code__iexact=value))
