import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from palermo.core.choices import Role
from palermo.core.models import Participant, Region
from palermo.platform.policies import policy_for, secretariat, states_of

from .choices import Channel
from .models import Area, Authority, stale_before


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class LanguagesField(forms.CharField):
    """ISO 639-1 codes typed as ``es, en``; the model's ``clean`` checks them."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [code.strip().lower() for code in text.replace(";", ",").split(",") if code.strip()]


class AuthorityForm(forms.ModelForm):
    """An entry as a State's focal point or the Secretariat writes it. Restricted fields are
    left out for someone who may not see them (they keep their stored value)."""

    languages = LanguagesField(
        label=_("Accepted languages"),
        required=False,
        help_text=_("ISO 639-1 codes separated by commas, e.g. es, en."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Accepted channels"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Authority
        fields = [
            "participant",
            "area",
            "authority",
            "unit",
            "address",
            "contact_persons",
            "phone",
            "direct_lines",
            "email",
            "hours",
            "time_zone",
            "languages",
            "channels",
            "urgent_procedure",
            "requirements",
            "convention_legal_basis",
            "last_confirmed",
            "notes",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "contact_persons": forms.Textarea(attrs={"rows": 3}),
            "direct_lines": forms.Textarea(attrs={"rows": 2}),
            "urgent_procedure": forms.Textarea(attrs={"rows": 3}),
            "requirements": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "convention_legal_basis": forms.NullBooleanSelect,
            "last_confirmed": DateInput(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in policy_for(Authority).hidden_fields(user):
            self.fields.pop(name, None)
        participants = Participant.objects.order_by("name")
        if not secretariat.test(user, None):
            participants = participants.filter(pk__in=states_of(user, Role.FOCAL_POINT))
        self.fields["participant"].queryset = participants
        self.fields["participant"].label = _("State")
        self.fields["area"].queryset = Area.objects.all()
        self.fields["area"].empty_label = None


YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


class AuthorityFilter(django_filters.FilterSet):
    """The filters of the Directory: area, State, region, channel, language, stale, words."""

    area = django_filters.ModelChoiceFilter(
        label=_("Area"), queryset=Area.objects.all(), to_field_name="code"
    )
    participant = django_filters.ModelChoiceFilter(
        label=_("State"),
        queryset=Participant.objects.filter(directory_entries__isnull=False)
        .distinct()
        .order_by("name"),
        to_field_name="code",
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=Region.objects.filter(level="region").order_by("code"),
        field_name="participant__region",
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=Channel.choices, method="filter_channel"
    )
    stale = django_filters.ChoiceFilter(
        label=_("Not confirmed for 12 months"),
        choices=YES_NO[1:],
        empty_label=YES_NO[0][1],
        method="filter_stale",
    )
    q = django_filters.CharFilter(label=_("Words"), method="filter_words")

    class Meta:
        model = Authority
        fields = ["area", "participant", "region", "channel", "stale", "q"]

    def filter_channel(self, queryset, name, value):
        # JSON list membership the same way on SQLite and PostgreSQL: the quoted code.
        return queryset.filter(channels__icontains=f'"{value}"') if value else queryset

    def filter_stale(self, queryset, name, value):
        if value == "yes":
            return queryset.stale()
        if value == "no":
            return queryset.fresh()
        return queryset

    def filter_words(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(authority__icontains=value)
            | Q(unit__icontains=value)
            | Q(participant__name__icontains=value)
            | Q(participant__code__iexact=value)
        )

    @property
    def stale_before(self):
        return stale_before()
