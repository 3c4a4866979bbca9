from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.core.models import Participant, Region, RegionalGroup

from .choices import Status
from .models import Declaration, Instrument, TreatyAction


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StatusFilterForm(forms.Form):
    """The filters of the participant list: which instrument, on which date, where."""

    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.none(),
        to_field_name="code",
        empty_label=None,
        required=False,
    )
    on = forms.DateField(label=_("Status on"), required=False, widget=DateInput())
    region = forms.ChoiceField(label=_("Region"), required=False)
    group = forms.ChoiceField(label=_("UN regional group"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any"))] + list(Status.choices)
    )
    q = forms.CharField(label=_("Name or code"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = Instrument.objects.order_by("order")
        regions = Region.objects.filter(level__in=["region", "subregion"]).order_by("code")
        self.fields["region"].choices = [("", _("All"))] + [
            (r.code, ("— " if r.level == "subregion" else "") + str(r))
            for r in sorted(
                regions, key=lambda r: (r.parent_id or r.code, r.level != "region", r.name)
            )
        ]
        self.fields["group"].choices = [("", _("All"))] + [
            (g.code, str(g)) for g in RegionalGroup.objects.all()
        ]

    def clean_on(self):
        return self.cleaned_data.get("on") or date.today()

    def clean_instrument(self):
        return self.cleaned_data.get("instrument") or Instrument.objects.order_by("order").first()

    def clean(self):
        # A filter typed wrong (a date as 13/07/2010, an unknown instrument) is shown as an
        # error next to the field while the page falls back to the default, not a crash.
        data = super().clean()
        if "instrument" not in data:
            data["instrument"] = Instrument.objects.order_by("order").first()
        if "on" not in data:
            data["on"] = date.today()
        return data

    def filter_participants(self, qs):
        data = self.cleaned_data
        qs = qs.in_region(data.get("region"))
        if data.get("group"):
            qs = qs.filter(regional_group__code=data["group"])
        return qs.search(data.get("q", ""))


class HttpsURLField(forms.URLField):
    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")  # Django 6's default
        super().__init__(**kwargs)


class TreatyActionForm(forms.ModelForm):
    class Meta:
        model = TreatyAction
        fields = [
            "participant",
            "instrument",
            "kind",
            "date",
            "source",
            "source_text",
            "source_url",
            "source_note",
        ]
        widgets = {"date": DateInput(), "source_note": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"source_url": HttpsURLField}


class DeclarationForm(forms.ModelForm):
    """A declaration of one participant; focal points only ever see their own State."""

    class Meta:
        model = Declaration
        fields = [
            "participant",
            "instrument",
            "kind",
            "subject",
            "article",
            "date",
            "text",
            "takes_convention_as_legal_basis",
            "authority",
            "authority_address",
            "languages",
            "source",
        ]
        widgets = {
            "date": DateInput(),
            "takes_convention_as_legal_basis": forms.NullBooleanSelect(),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = self.fields["article"].queryset.select_related(
            "instrument"
        )
        if user is not None and not user.has_perm("treaties.change_instrument"):
            from palermo.core.choices import Role
            from palermo.core.permissions import states_of

            self.fields["participant"].queryset = Participant.objects.filter(
                pk__in=states_of(user, Role.FOCAL_POINT)
            )


class InstrumentFactsForm(forms.ModelForm):
    class Meta:
        model = Instrument
        fields = [
            "official_entry_into_force",
            "entry_into_force_source",
            "actions_complete",
            "actions_complete_until",
        ]
        widgets = {
            "official_entry_into_force": DateInput(),
            "actions_complete_until": DateInput(),
        }
        field_classes = {"entry_into_force_source": HttpsURLField}
