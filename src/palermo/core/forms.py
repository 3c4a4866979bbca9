from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.platform.imports import IMPORTERS

from .choices import Role
from .models import Participant


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “nightly export script”."),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Preferred language"),
        help_text=_(
            "Notifications and e-mails are written in this language; the pages open in "
            "it when you sign in."
        ),
    )

    def __init__(self, *args, **kwargs):
        from django.conf import settings
        from django.utils.translation import get_language_info

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ]


class ImportForm(forms.Form):
    importer = forms.ChoiceField(label=_("What to import"))
    file = forms.FileField(label=_("File"))
    mapping = forms.ModelChoiceField(
        label=_("Column mapping"),
        queryset=None,
        required=False,
        empty_label=_("None: the file has the importer's own columns"),
        help_text=_("A saved mapping of this importer; or choose “Map the columns first”."),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (write nothing)"),
        required=False,
        help_text=_("Validate every row and show the report without changing any data."),
    )

    def __init__(self, *args, user=None, **kwargs):
        from palermo.platform.models import ColumnMapping
        from palermo.platform.policies import restrict

        super().__init__(*args, **kwargs)
        self.fields["importer"].choices = [
            (k, imp.label)
            for k, imp in sorted(IMPORTERS.items())
            if imp.on_import_page and (user is None or user.has_perm(imp.permission))
        ]
        self.fields["mapping"].queryset = restrict(ColumnMapping.objects.all(), user)

    def clean_file(self):
        from palermo.platform.imports import size_error

        upload = self.cleaned_data["file"]
        problem = size_error(upload.size)
        if problem:
            raise forms.ValidationError(problem[:1].upper() + problem[1:] + ".")
        return upload

    def clean(self):
        data = super().clean()
        mapping = data.get("mapping")
        if mapping is not None and mapping.importer != data.get("importer"):
            self.add_error(
                "mapping",
                _("This mapping is for another importer (%(name)s).") % {"name": mapping.importer},
            )
        return data


class UserCreateForm(forms.Form):
    """Collects the new user's details; ``services.create_user`` validates them (the same
    rules as the API), and its errors land on the fields of the same names."""

    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only; used to sign in."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Notifications are also sent to this address."),
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Give it to the person by a separate channel; they can change it later."),
    )
    password_confirm = forms.CharField(
        label=_("Initial password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    is_active = forms.BooleanField(label=_("Active (may sign in)"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        if (
            data.get("password")
            and data.get("password_confirm")
            and data["password"] != data["password_confirm"]
        ):
            self.add_error("password_confirm", _("The two passwords differ."))
        return data


class RoleAssignmentForm(forms.Form):
    """A role and, for the roles that act for one, its State; the model's constraints decide."""

    # No role preselected: a stray click must not hand out the Secretariat's rights.
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("— choose —")), *Role.choices])
    participant = forms.ModelChoiceField(
        label=_("State"),
        queryset=Participant.objects.order_by("name"),
        required=False,
        empty_label=_("— none —"),
        help_text=_(
            "Required for focal points, governmental experts and practitioners; "
            "empty for the Secretariat."
        ),
    )
