"""Forms of the log's pages: the list's filters, a request recorded after the fact, a status
change (with the grounds of a refusal), a note, a document, a related request and a share.

The forms parse and say what is wrong with the input; ``services`` decides what may be done."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palermo.core.choices import Role
from palermo.core.models import Participant
from palermo.directory.models import Authority
from palermo.platform.policies import restrict, states_of

from . import services
from .models import Direction, Document, Request, RequestKind, Status
from .policies import SHARE_ROLES

#: Article 18(21)(a)–(d), and a ground the Convention does not list: the services' list.
REFUSAL_GROUNDS = list(services.REFUSAL_GROUNDS.items())
GROUND_LABELS = services.REFUSAL_GROUNDS

#: The largest document a page upload accepts.
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _states():
    return Participant.objects.order_by("name")


# The list ---------------------------------------------------------------------------------


class RequestFilter(django_filters.FilterSet):
    """Direction, status, counterpart State, kind, and words in the reference or title."""

    direction = django_filters.ChoiceFilter(label=_("Direction"), choices=Direction.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    counterpart = django_filters.ModelChoiceFilter(
        label=_("Counterpart State"),
        queryset=_states(),
        to_field_name="code",
        method="filter_counterpart",
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=RequestKind.choices)
    q = django_filters.CharFilter(label=_("Reference or title"), method="filter_words")

    class Meta:
        model = Request
        fields = ["direction", "status", "counterpart", "kind", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The States the user's requests were exchanged with, not every State of the world.
        user = getattr(self.request, "user", None)
        if user is not None:
            visible = restrict(Request.objects.all(), user)
            self.filters["counterpart"].queryset = (
                _states()
                .filter(
                    Q(requests_received__in=visible.filter(direction=Direction.OUTGOING))
                    | Q(requests_made__in=visible.filter(direction=Direction.INCOMING))
                )
                .distinct()
            )

    def filter_counterpart(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(direction=Direction.OUTGOING, requested_state=value)
            | Q(direction=Direction.INCOMING, requesting_state=value)
        )

    def filter_words(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))


# Recording a request sent or received outside Palermo ---------------------------------------


class AuthorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.participant.localized_name} — {obj.area.local_name}: {obj.authority}"


class RecordForm(forms.Form):
    """A request that was sent or received outside Palermo, entered into the log."""

    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, widget=forms.RadioSelect
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=RequestKind.choices)
    authority = AuthorityChoiceField(
        label=_("Keeping authority"),
        queryset=Authority.objects.none(),
        help_text=_("Your authority: the one that sent the request, or that received it."),
    )
    counterpart_state = forms.ModelChoiceField(
        label=_("Counterpart State"),
        queryset=_states(),
        to_field_name="code",
        help_text=_(
            "The requested State of an outgoing request, the requesting State of an incoming one."
        ),
    )
    counterpart_authority = AuthorityChoiceField(
        label=_("Counterpart authority"),
        queryset=Authority.objects.none(),
        required=False,
        help_text=_("Its entry in the Directory, if it has one."),
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=60,
        required=False,
        help_text=_("Your authority's own reference; left empty, Palermo gives one."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    on = forms.DateField(
        label=_("Sent or received on"),
        widget=DateInput(),
        help_text=_("The day it was sent (outgoing) or received (incoming)."),
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    language = forms.CharField(
        label=_("Language"),
        max_length=10,
        required=False,
        help_text=_("The language it is written in, as a two-letter code (es, en, fr …)."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        entries = Authority.objects.select_related("participant", "area")
        self.fields["authority"].queryset = entries.filter(
            participant__in=states_of(user, Role.PRACTITIONER)
        ).order_by("area__order", "authority", "pk")
        self.fields["counterpart_authority"].queryset = entries.order_by(
            "participant__name", "area__order", "authority", "pk"
        )

    def clean_language(self):
        value = self.cleaned_data["language"].strip().lower()
        if value and not (len(value) == 2 and value.isalpha()):
            raise forms.ValidationError(
                _("Give the language as a two-letter ISO 639-1 code, e.g. “es”.")
            )
        return value

    def clean_on(self):
        value = self.cleaned_data["on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("This date is still to come."))
        return value

    def clean(self):
        data = super().clean()
        keeping, state = data.get("authority"), data.get("counterpart_state")
        counterpart = data.get("counterpart_authority")
        if keeping and state and keeping.participant_id == state.pk:
            self.add_error(
                "counterpart_state", _("The counterpart State is your own authority's State.")
            )
        if counterpart and state and counterpart.participant_id != state.pk:
            self.add_error(
                "counterpart_authority",
                _("This authority is not one of %(state)s's.") % {"state": state.localized_name},
            )
        return data

    def request_arguments(self) -> dict:
        """The arguments of ``services.create_request`` (without ``acting_user``)."""
        data = self.cleaned_data
        keeping = data["authority"]
        outgoing = data["direction"] == Direction.OUTGOING
        own, other = keeping.participant, data["counterpart_state"]
        return {
            "authority": keeping,
            "direction": data["direction"],
            "kind": data["kind"],
            "title": data["title"],
            "requesting_state": own if outgoing else other,
            "requested_state": other if outgoing else own,
            "reference": data["reference"].strip(),
            "counterpart_authority": data["counterpart_authority"],
            "language": data["language"],
            "received_on": None if outgoing else data["on"],
            "deadline": data["deadline"],
        }


# On the request's page ----------------------------------------------------------------------


class StatusForm(forms.Form):
    """The next status, among those allowed from the current one; a refusal gives its grounds.

    The forms of a request's page share field names ("on", "title"), so each has its own ids."""

    status = forms.ChoiceField(label=_("New status"), choices=())
    on = forms.DateField(label=_("On"), widget=DateInput())
    grounds = forms.MultipleChoiceField(
        label=_("Grounds for refusal (article 18(21))"),
        choices=REFUSAL_GROUNDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a refusal: every ground the requested State gave."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, allowed=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        kwargs.setdefault("auto_id", "status_%s")
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, Status(s).label) for s in allowed]
        self.refusal_possible = Status.REFUSED in allowed

    def clean_on(self):
        value = self.cleaned_data["on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("This date is still to come."))
        return value


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label=_("On"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        kwargs.setdefault("auto_id", "note_%s")
        super().__init__(*args, **kwargs)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    way = forms.ChoiceField(label=_("Sent or received"), choices=Document.Way.choices)
    on = forms.DateField(label=_("On"), widget=DateInput())
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("Optional: the document itself (at most 50 MB)."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        kwargs.setdefault("auto_id", "document_%s")
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(
                _("%(name)s is %(size)d MB; the largest accepted is 50 MB.")
                % {"name": upload.name, "size": upload.size // (1024 * 1024)}
            )
        return upload


class RelateForm(forms.Form):
    """Another request of the log, by its reference, among those the user may see."""

    reference = forms.CharField(label=_("Reference of the related request"), max_length=60)

    def __init__(self, *args, candidates=None, **kwargs):
        kwargs.setdefault("auto_id", "relate_%s")
        super().__init__(*args, **kwargs)
        self.candidates = candidates if candidates is not None else Request.objects.none()

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        found = list(self.candidates.filter(reference__iexact=reference)[:2])
        if not found:
            raise forms.ValidationError(
                _("No request you may see has the reference “%(reference)s”.")
                % {"reference": reference}
            )
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several requests you may see have the reference “%(reference)s”.")
                % {"reference": reference}
            )
        self.cleaned_data["other"] = found[0]
        return reference


HOLDER_KINDS = [("user", _("A person (user name)")), ("group", _("A group (an authority)"))]


class ShareForm(forms.Form):
    """Share with a person or a group, as a viewer (reads) or an editor (also changes)."""

    holder_kind = forms.ChoiceField(
        label=_("Share with"), choices=HOLDER_KINDS, widget=forms.RadioSelect, initial="user"
    )
    holder = forms.CharField(
        label=_("User name or group name"),
        max_length=150,
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            ("viewer", _("Viewer: reads the request")),
            ("editor", _("Editor: also changes it")),
        ],
        initial="viewer",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "share_%s")
        super().__init__(*args, **kwargs)

    def clean_role(self):
        role = self.cleaned_data["role"]
        if role not in SHARE_ROLES:
            raise forms.ValidationError(_("Choose viewer or editor."))
        return role

    def clean(self):
        data = super().clean()
        name, kind = (data.get("holder") or "").strip(), data.get("holder_kind")
        if not name or not kind:
            return data
        if kind == "group":
            data["to"] = Group.objects.filter(name=name).first()
            if data["to"] is None:
                self.add_error("holder", _("No group is named “%(name)s”.") % {"name": name})
        else:
            data["to"] = get_user_model().objects.filter(username=name, is_active=True).first()
            if data["to"] is None:
                self.add_error(
                    "holder", _("No active person has the user name “%(name)s”.") % {"name": name}
                )
        return data


class UnshareForm(forms.Form):
    """Take one share back: the holder and the role, as listed on the share page."""

    holder_kind = forms.ChoiceField(choices=HOLDER_KINDS)
    holder_id = forms.IntegerField()
    role = forms.ChoiceField(choices=[(r, r) for r in SHARE_ROLES])

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        model = Group if data["holder_kind"] == "group" else get_user_model()
        data["to"] = model.objects.filter(pk=data["holder_id"]).first()
        if data["to"] is None:
            raise forms.ValidationError(_("That person or group no longer exists."))
        return data
