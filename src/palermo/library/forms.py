"""The Library's forms: a record of each kind, each part of a record, the workflow note and a
saved search's name. The forms only parse and check input; the services write."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from palermo.core.choices import Role
from palermo.core.models import Participant
from palermo.core.permissions import is_secretariat
from palermo.platform.policies import states_of
from palermo.treaties.models import Article

from . import serializers
from .models import (
    Case,
    CaseAttachment,
    CaseParty,
    CaseSummary,
    Charge,
    Cooperation,
    CrimeType,
    CrossCuttingIssue,
    Law,
    Proceeding,
    Provision,
    Publication,
    SavedSearch,
    Strategy,
)
from .serializers import parse_reference


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class HttpsURLField(forms.URLField):
    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class LinesField(forms.CharField):
    """A list of words or names, one per line (authors, keywords)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(v).strip() for v in value if str(v).strip()]
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]


def vocabulary_field(model, label):
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=model.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def parse_article_references(text: str) -> list[tuple[Article, str]]:
    """``[(Article, paragraph)]`` from references separated by commas, semicolons or lines,
    in the record format's grammar (``serializers.parse_reference``); a reference that names
    no known article is a ``ValidationError`` naming it."""
    references, errors = [], []
    for item in re.split(r"[,;\n]+", text or ""):
        item = item.strip()
        if not item:
            continue
        try:
            code, number, paragraph = parse_reference(item)
        except ValueError as exc:
            errors.append(str(exc))
            continue
        article = (
            Article.objects.select_related("instrument")
            .filter(instrument__code=code, number=number)
            .first()
        )
        if article is None:
            errors.append(_("No such article: %(ref)s") % {"ref": item})
            continue
        if (article, paragraph) not in references:
            references.append((article, paragraph))
    if errors:
        raise ValidationError(errors, code="unknown_article")
    return references


def article_reference(article, paragraph: str) -> str:
    """The reference as the forms and the record format write it: ``UNTOC 5(1)(a)``."""
    return serializers.article_reference(article.instrument.code, article.number, paragraph)


def contributing_states(user):
    """The States ``user`` may create records for: every one for the Secretariat."""
    if is_secretariat(user):
        return Participant.objects.order_by("name")
    return Participant.objects.filter(pk__in=states_of(user, Role.FOCAL_POINT, Role.EXPERT))


class RecordForm(forms.ModelForm):
    """What every record form shares: its State (on creation) and its tags."""

    #: Many-to-many fields given to the service rather than saved by the form.
    m2m_fields: tuple[str, ...] = ("crime_types", "issues")

    crime_types = vocabulary_field(CrimeType, _("Crime types"))
    issues = vocabulary_field(CrossCuttingIssue, _("Cross-cutting issues"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        creating = self.instance.pk is None
        if creating:
            self.fields["participant"].queryset = contributing_states(user)
            self.fields["participant"].to_field_name = "code"
            self.fields["participant"].empty_label = None
        else:
            self.fields.pop("participant", None)
            if self.instance.version:
                # A record once published keeps its address.
                self.fields.pop("number", None)
            for name in self.m2m_fields:
                if name in self.fields:
                    self.initial[name] = list(getattr(self.instance, name).all())
        for name in ("source_url", "official_url", "url"):
            if name in self.fields:
                self.fields[name].assume_scheme = "https"

    def m2m(self) -> dict:
        return {name: list(self.cleaned_data.get(name) or []) for name in self.m2m_fields}


COMMON_TAIL = ["source_url", "licence"]


class LawForm(RecordForm):
    # A law's crime types and issues are its provisions'.
    m2m_fields = ()
    crime_types = None
    issues = None

    class Meta:
        model = Law
        fields = [
            "participant",
            "number",
            "title",
            "title_en",
            "language",
            "law_type",
            "adopted",
            "in_force",
            "amendments",
            "official_url",
            "full_text",
            "file",
            *COMMON_TAIL,
        ]
        widgets = {"adopted": DateInput(), "in_force": DateInput()}
        field_classes = {"official_url": HttpsURLField, "source_url": HttpsURLField}


class CaseForm(RecordForm):
    keywords = LinesField(label=_("Keywords"), required=False, help_text=_("One per line."))

    class Meta:
        model = Case
        fields = [
            "participant",
            "number",
            "title",
            "court",
            "court_level",
            "legal_system",
            "language",
            "opened",
            "decided",
            "keywords",
            "crime_types",
            "issues",
            "commentary",
            "lessons_learned",
            "sources",
            *COMMON_TAIL,
        ]
        widgets = {"opened": DateInput(), "decided": DateInput()}
        field_classes = {"source_url": HttpsURLField}


class PublicationForm(RecordForm):
    m2m_fields = ("states", "crime_types", "issues")
    authors = LinesField(label=_("Authors"), required=False, help_text=_("One per line."))
    states = forms.ModelMultipleChoiceField(
        label=_("States covered"),
        queryset=Participant.objects.order_by("name"),
        to_field_name="code",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Publication
        fields = [
            "participant",
            "number",
            "title",
            "authors",
            "year",
            "publication_type",
            "language",
            "publisher",
            "url",
            "states",
            "crime_types",
            "issues",
            "abstract",
            *COMMON_TAIL,
        ]
        field_classes = {"url": HttpsURLField, "source_url": HttpsURLField}


class StrategyForm(RecordForm):
    class Meta:
        model = Strategy
        fields = [
            "participant",
            "number",
            "title",
            "title_en",
            "language",
            "adopted",
            "period_start",
            "period_end",
            "url",
            "file",
            "crime_types",
            "issues",
            "summary",
            *COMMON_TAIL,
        ]
        widgets = {"adopted": DateInput()}
        field_classes = {"url": HttpsURLField, "source_url": HttpsURLField}


# Parts of a record ------------------------------------------------------------------------


class PartForm(forms.ModelForm):
    m2m_fields: tuple[str, ...] = ()

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        if "position" in self.fields:
            self.fields["position"].required = False
            self.fields["position"].help_text = _("Where it comes in the list (empty: first).")

    def clean_position(self):
        position = self.cleaned_data.get("position")
        return position if position is not None else (self.instance.position or 0)

    def m2m(self) -> dict:
        return {name: list(self.cleaned_data.get(name) or []) for name in self.m2m_fields}


class ProvisionForm(PartForm):
    articles = forms.CharField(
        label=_("Articles implemented"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. “TIP 3(a), UNTOC 5(1)(a)”: separated by commas or lines."),
    )
    crime_types = vocabulary_field(CrimeType, _("Crime types"))
    issues = vocabulary_field(CrossCuttingIssue, _("Cross-cutting issues"))

    class Meta:
        model = Provision
        fields = ["number", "heading", "text", "text_en", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            tags = self.instance.tags.select_related("article__instrument")
            self.initial["articles"] = ", ".join(
                article_reference(t.article, t.paragraph) for t in tags
            )
            self.initial["crime_types"] = list(self.instance.crime_types.all())
            self.initial["issues"] = list(self.instance.issues.all())

    def clean_articles(self):
        return parse_article_references(self.cleaned_data.get("articles", ""))

    def m2m(self) -> dict:
        return {
            "articles": self.cleaned_data.get("articles") or [],
            "crime_types": list(self.cleaned_data.get("crime_types") or []),
            "issues": list(self.cleaned_data.get("issues") or []),
        }


class CaseSummaryForm(PartForm):
    class Meta:
        model = CaseSummary
        fields = ["language", "text"]


class ProceedingForm(PartForm):
    class Meta:
        model = Proceeding
        fields = ["court", "level", "docket", "date", "outcome", "position"]
        widgets = {"date": DateInput()}


class CasePartyForm(PartForm):
    class Meta:
        model = CaseParty
        fields = ["kind", "initials", "sex", "age_band", "nationality", "role", "position"]


class ChargeForm(PartForm):
    m2m_fields = ("provisions",)

    class Meta:
        model = Charge
        fields = ["defendant", "offence", "provisions", "cited", "verdict", "sentence", "position"]
        widgets = {"provisions": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import PartyKind

        case = self.record
        self.fields["defendant"].queryset = (
            CaseParty.objects.filter(case=case, kind=PartyKind.DEFENDANT)
            if case is not None
            else CaseParty.objects.none()
        )
        # The provisions of the State's laws (its drafts too: both are the contributors').
        self.fields["provisions"].queryset = (
            Provision.objects.filter(law__participant_id=case.participant_id).select_related("law")
            if case is not None
            else Provision.objects.none()
        )
        self.fields["provisions"].required = False


class CooperationForm(PartForm):
    class Meta:
        model = Cooperation
        fields = ["kind", "partner", "convention_legal_basis", "description"]
        widgets = {"convention_legal_basis": forms.NullBooleanSelect()}


class CaseAttachmentForm(PartForm):
    class Meta:
        model = CaseAttachment
        fields = ["title", "url", "file"]
        field_classes = {"url": HttpsURLField}


class RequestChangesForm(forms.Form):
    note = forms.CharField(
        label=_("What should change"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the State's focal points and experts with the record."),
    )


class SavedSearchForm(forms.ModelForm):
    class Meta:
        model = SavedSearch
        fields = ["name"]
