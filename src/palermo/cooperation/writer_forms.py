"""The writer's forms: starting a request, one form per step (with the lists of offences and
persons as formsets), acknowledging a warning, and choosing what to download.

``StepForms`` holds a step's form and its formsets together, so the step page, the live
findings and the save read a step the same way. What the fields mean for the request is in
``writer.py``; which fields are essential is for the completeness rules (``rules.py``), not the
form: a draft may be saved half-written.
"""

from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from palermo.core.models import Participant
from palermo.directory.choices import Channel
from palermo.directory.models import Authority
from palermo.platform.policies import restrict

from . import render, writer
from .models import RequestKind
from .rules import CHANNELS, CONFISCATION_BASES, PURPOSES, TRANSNATIONAL

#: The purposes of article 18(3) and the forms of assistance the writer adds (``rules.PURPOSES``).
PURPOSE_LABELS = {
    "evidence": _("Taking evidence or statements from persons"),
    "service": _("Effecting service of judicial documents"),
    "search": _("Executing searches and seizures, and freezing"),
    "examination": _("Examining objects and sites"),
    "information": _("Providing information, evidentiary items and expert evaluations"),
    "records": _(
        "Providing originals or certified copies of documents and records, including "
        "government, bank, financial, corporate or business records"
    ),
    "tracing": _(
        "Identifying or tracing proceeds of crime, property, instrumentalities or other things "
        "for evidentiary purposes"
    ),
    "appearance": _("Facilitating the voluntary appearance of persons in the requesting State"),
    "other": _("Any other assistance not contrary to the requested State's domestic law"),
    "videoconference": _("Hearing of a witness or expert by videoconference"),
    "preservation": _("Expedited preservation of stored electronic data"),
    "production": _("Production of stored electronic data"),
}
TRANSNATIONAL_LABELS = {
    "several-states": _("Committed in more than one State"),
    "planned-elsewhere": _("Prepared, planned, directed or controlled in another State"),
    "group-abroad": _("Involves an organized criminal group active in more than one State"),
    "effects-elsewhere": _("Has substantial effects in another State"),
}
CONVENTION_OFFENCES = (
    ("", _("None of these")),
    ("5", _("Participation in an organized criminal group (art. 5)")),
    ("6", _("Laundering of proceeds of crime (art. 6)")),
    ("8", _("Corruption (art. 8)")),
    ("23", _("Obstruction of justice (art. 23)")),
)
CONFISCATION_LABELS = {
    "order-sought": _("Seek a confiscation order under the requested State's law (art. 13(1)(a))"),
    "order-given": _("Give effect to our confiscation order (art. 13(1)(b))"),
    "freeze": _("Identify, trace and freeze or seize (art. 13(2))"),
}
FORMATS = (("pdf", "PDF"), ("docx", "DOCX"))


def _article(article: str, paragraph: str) -> str:
    """``("18", "3(f)")`` → ``art. 18(3)(f)``, as the Convention cites itself."""
    number, _sep, rest = paragraph.partition("(")
    return f"art. {article}({number})" + (f"({rest}" if rest else "")


def purpose_choices():
    return [
        (key, f"{PURPOSE_LABELS.get(key, text)} ({_article(article, paragraph)})")
        for key, (article, paragraph, text) in PURPOSES.items()
    ]


def channel_label(code: str) -> str:
    return str(Channel(code).label) if code in Channel.values else code


def language_label(code: str) -> str:
    """The language's name in the page's language, as the renderer names it."""
    name = render.language_name(code)
    if name and name != code:
        return str(name)
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def content_language(template: str) -> str:
    """The code a request's content and the Directory use (ISO 639-1) for a template's
    language: ``zh-hans`` → ``zh``."""
    return (template or "").split("-")[0]


def template_languages() -> list[str]:
    """The languages the request can be written in (ISO 639-1, as the Directory has them)."""
    return [content_language(c) for c in render.LANGUAGES]


def language_choices(accepted: list[str]) -> list[tuple[str, str]]:
    """The requested State's accepted languages first (the writer can render them), then the
    writer's other template languages, marked as not accepted."""
    available = [c if isinstance(c, str) else c[0] for c in template_languages()]
    accepted = [c.lower() for c in accepted]
    choices = [("", _("Choose a language"))]
    choices += [(c, language_label(c)) for c in accepted if c in available]
    if accepted:
        choices += [
            (c, _("%(language)s (not accepted by the requested State)") % {"language": n})
            for c, n in ((c, language_label(c)) for c in available if c not in accepted)
        ]
    else:
        choices += [(c, language_label(c)) for c in available]
    return choices


# Starting a request -------------------------------------------------------------------------


class StartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of request"), choices=RequestKind.choices)
    requested_state = forms.ModelChoiceField(
        label=_("Requested State"),
        queryset=Participant.objects.none(),
        help_text=_("The writer shows its Directory entry and checks the request against it."),
    )
    authority = forms.ModelChoiceField(
        label=_("Requesting authority"),
        queryset=Authority.objects.none(),
        help_text=_("Your State's authority that makes the request and keeps it in the log."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("For the log, e.g. “Bank records of the Example Ltd accounts”."),
    )
    reference = forms.CharField(
        label=_("Your reference"),
        max_length=60,
        required=False,
        help_text=_("Left empty, the writer numbers the request (ARG-2026-001)."),
    )

    def __init__(self, *args, user, state_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requested_state"].queryset = Participant.objects.exclude(
            pk__in=state_ids
        ).filter(kind="state")
        self.fields["authority"].queryset = (
            restrict(Authority.objects.all(), user)
            .filter(participant_id__in=state_ids)
            .select_related("participant", "area")
            .order_by("participant__name", "area__order", "authority")
        )
        self.fields["authority"].label_from_instance = lambda a: (
            f"{a.authority} — {a.area.local_name}"
        )


# The steps ----------------------------------------------------------------------------------

TEXTAREA = forms.Textarea(attrs={"rows": 4})
LONG_TEXTAREA = forms.Textarea(attrs={"rows": 10})


class PartiesForm(forms.Form):
    requesting_authority = forms.CharField(
        label=_("Authority making the request"),
        max_length=300,
        required=False,
        help_text=_("Art. 18(15)(a): its name as it will sign."),
    )
    language = forms.ChoiceField(
        label=_("Language of the request"),
        required=False,
        help_text=_("Art. 18(14): a language the requested State accepts."),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        help_text=_("Art. 18(13): how the requested State receives requests."),
    )
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"),
        choices=writer.LEGAL_BASES,
        widget=forms.RadioSelect,
        required=False,
    )
    treaty = forms.CharField(
        label=_("Treaty"),
        max_length=300,
        required=False,
        help_text=_("Its name, if the legal basis is a treaty."),
    )

    def __init__(self, *args, languages=(), channels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices(list(languages))
        offered = list(channels) or list(CHANNELS)
        self.fields["channel"].choices = [("", _("Choose a channel"))] + [
            (c, channel_label(c)) for c in offered
        ]

    def clean(self):
        data = super().clean()
        if data.get("legal_basis") == "treaty" and not (data.get("treaty") or "").strip():
            self.add_error("treaty", _("Name the treaty, or choose another legal basis."))
        return data


class ProceedingForm(forms.Form):
    subject_matter = forms.CharField(
        label=_("Subject matter and nature of the proceeding"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Art. 18(15)(b)."),
    )
    proceeding = forms.ChoiceField(
        label=_("The request relates to"),
        choices=[("", _("Choose"))] + list(writer.PROCEEDINGS),
        required=False,
    )
    conducting_authority = forms.CharField(
        label=_("Authority conducting it"), max_length=300, required=False
    )
    conducting_functions = forms.CharField(
        label=_("Its functions"),
        max_length=300,
        required=False,
        help_text=_("e.g. “Public prosecutor in charge of the investigation”."),
    )


class FactsForm(forms.Form):
    facts = forms.CharField(
        label=_("Summary of the relevant facts"),
        widget=LONG_TEXTAREA,
        required=False,
        help_text=_(
            "Art. 18(15)(c): what happened, when and where, and how the assistance sought "
            "relates to it."
        ),
    )


class OffenceForm(forms.Form):
    name = forms.CharField(label=_("Offence"), max_length=300, required=False)
    provision = forms.CharField(label=_("Provision of your law"), max_length=300, required=False)
    max_penalty_years = forms.DecimalField(
        label=_("Maximum penalty (years)"),
        required=False,
        min_value=0,
        max_value=200,
        decimal_places=1,
    )
    life = forms.BooleanField(label=_("Life imprisonment"), required=False)
    dual_criminality = forms.ChoiceField(
        label=_("Also an offence in the requested State"), choices=writer.TRISTATE, required=False
    )
    organized_group = forms.ChoiceField(
        label=_("Involves an organized criminal group"), choices=writer.TRISTATE, required=False
    )
    group_size = forms.IntegerField(
        label=_("Persons in the group"), required=False, min_value=1, max_value=100000
    )
    transnational = forms.MultipleChoiceField(
        label=_("Transnational because it is (art. 3(2))"),
        choices=[(k, TRANSNATIONAL_LABELS[k]) for k in TRANSNATIONAL],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    convention_offence = forms.ChoiceField(
        label=_("An offence established by the Convention"),
        choices=CONVENTION_OFFENCES,
        required=False,
    )


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300, required=False)
    location = forms.CharField(label=_("Location"), max_length=300, required=False)
    nationality = forms.CharField(label=_("Nationality"), max_length=100, required=False)
    role = forms.CharField(
        label=_("Role"),
        max_length=100,
        required=False,
        help_text=_("Suspect, witness, victim, account holder…"),
    )


OffenceFormSet = forms.formset_factory(OffenceForm, extra=1, can_delete=True, max_num=50)
PersonFormSet = forms.formset_factory(PersonForm, extra=1, can_delete=True, max_num=100)


class AssistanceForm(forms.Form):
    purposes = forms.MultipleChoiceField(
        label=_("Assistance sought (art. 18(3))"),
        choices=purpose_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    assistance = forms.CharField(
        label=_("Description of the assistance sought"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Art. 18(15)(d): what exactly you ask for (accounts, period, documents)."),
    )
    procedures = forms.CharField(
        label=_("Particular procedure to follow"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Art. 18(15)(d), 18(17): e.g. certification of records, presence of counsel."),
    )
    purpose = forms.CharField(
        label=_("Purpose for which it is sought"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Art. 18(15)(f)."),
    )


class ParticularForm(forms.Form):
    hearing_of = forms.CharField(
        label=_("Witness or expert to be heard by videoconference"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Art. 18(18): who, and why they cannot or should not appear in person."),
    )
    data_description = forms.CharField(
        label=_("Stored data"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Accounts, period, kind of data (subscriber, traffic, content)."),
    )
    data_holder = forms.CharField(label=_("Held by"), max_length=300, required=False)


class ConfiscationForm(forms.Form):
    confiscation_basis = forms.ChoiceField(
        label=_("The requested State is asked to"),
        choices=[(k, CONFISCATION_LABELS[k]) for k in CONFISCATION_BASES],
        widget=forms.RadioSelect,
        required=False,
    )
    property_description = forms.CharField(
        label=_("Property to be confiscated"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Art. 13(3)(a)."),
    )
    order_copy = forms.BooleanField(
        label=_("A legally admissible copy of the order is attached"),
        required=False,
        help_text=_("Art. 13(3)(b)."),
    )
    execution_extent = forms.CharField(
        label=_("Extent to which execution of the order is requested"),
        widget=TEXTAREA,
        required=False,
    )
    actions_requested = forms.CharField(
        label=_("Actions requested"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Art. 13(3)(c): identify, trace, freeze, seize."),
    )


class ExtraditionForm(forms.Form):
    person_name = forms.CharField(label=_("Person sought"), max_length=300, required=False)
    person_location = forms.CharField(
        label=_("Where the person is"),
        max_length=300,
        required=False,
        help_text=_("Art. 16(1): in the requested State."),
    )
    person_nationality = forms.CharField(label=_("Nationality"), max_length=100, required=False)
    warrant_or_judgment = forms.BooleanField(
        label=_("The warrant of arrest or the judgment is attached"),
        required=False,
        help_text=_("Art. 16(7)."),
    )
    sentence_to_serve = forms.BooleanField(
        label=_("A sentence is to be enforced (say what remains to be served)"), required=False
    )


class TransferForm(forms.Form):
    purpose = forms.CharField(
        label=_("Why the transfer serves the proper administration of justice"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Art. 21: several jurisdictions involved, concentrating the prosecution."),
    )


class ConfidentialityForm(forms.Form):
    confidential = forms.BooleanField(label=_("Keep the request confidential"), required=False)
    confidentiality_reason = forms.CharField(
        label=_("Why"), widget=TEXTAREA, required=False, help_text=_("Art. 18(20).")
    )
    use_limited_to_request = forms.ChoiceField(
        label=_("Use of what is given limited to the proceedings named"),
        choices=writer.TRISTATE,
        required=False,
        help_text=_("Art. 18(19)."),
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    urgency_reason = forms.CharField(
        label=_("Why it is urgent"), widget=TEXTAREA, required=False, help_text=_("Art. 18(13).")
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("YYYY-MM-DD."),
    )
    deadline_reason = forms.CharField(
        label=_("Reasons for the deadline"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Art. 18(24)."),
    )


class AnnexesForm(forms.Form):
    annexes = forms.CharField(
        label=_("Annexes"),
        widget=LONG_TEXTAREA,
        required=False,
        help_text=_("One per line, as they will be listed with the request."),
    )


class ReviewForm(forms.Form):
    pass


FORMS = {
    "parties": PartiesForm,
    "proceeding": ProceedingForm,
    "facts": FactsForm,
    "offences": forms.Form,
    "assistance": AssistanceForm,
    "particular": ParticularForm,
    "confiscation": ConfiscationForm,
    "extradition": ExtraditionForm,
    "transfer": TransferForm,
    "confidentiality": ConfidentialityForm,
    "annexes": AnnexesForm,
    "review": ReviewForm,
}
FORMSETS = {"offences": ("offences", OffenceFormSet), "assistance": ("persons", PersonFormSet)}


class StepForms:
    """A step's form and its formset (offences, persons), bound to POST data or filled in from
    the content."""

    def __init__(self, step: writer.Step, content: dict, *, data=None, **options):
        self.step = step
        values = writer.initial(step, content, default_authority=options.pop("authority", ""))
        listed = {}
        if step.slug in FORMSETS:
            name, _cls = FORMSETS[step.slug]
            listed[name] = values.pop(name, [])
        self.form = FORMS[step.slug](data=data, initial=values, **options)
        self.formsets = {}
        for name, rows in listed.items():
            cls = FORMSETS[step.slug][1]
            self.formsets[name] = cls(data=data, initial=rows or None, prefix=name)

    @property
    def formset(self):
        return next(iter(self.formsets.values()), None)

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        for formset in self.formsets.values():
            valid = formset.is_valid() and valid
        return valid

    def cleaned(self) -> dict:
        """What is valid of what was typed (call ``is_valid`` first): invalid fields are left
        out, and keep their saved value."""
        data = dict(getattr(self.form, "cleaned_data", {}))
        for name, formset in self.formsets.items():
            if not formset.is_bound or formset.management_form.errors:
                continue
            rows = []
            for form in formset.forms:
                cleaned = getattr(form, "cleaned_data", None) or {}
                if cleaned.get("DELETE"):
                    continue
                rows.append(cleaned)
            data[name] = rows
        return data

    def errors(self) -> list[tuple[str, str]]:
        """(label, message) for every error, for the findings panel."""
        found = []
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else ""
            found += [(str(label), str(e)) for e in errors]
        for formset in self.formsets.values():
            if not formset.is_bound:
                continue
            found += [("", str(e)) for e in formset.non_form_errors()]
            for i, form in enumerate(formset.forms, start=1):
                for name, errors in form.errors.items():
                    label = form.fields[name].label if name in form.fields else ""
                    found += [(f"{i}. {label}", str(e)) for e in errors]
        return found


class AcknowledgeForm(forms.Form):
    code = forms.CharField(max_length=60, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for going on"),
        max_length=1000,
        help_text=_("Kept with the request and shown on the review."),
    )


class DownloadForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS)
    language = forms.ChoiceField(label=_("Language"))

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(c, language_label(c)) for c in languages]
