from django import forms
from django.utils.translation import gettext_lazy as _

from .imports import IMPORTERS


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “nightly export script”."),
    )


class ImportForm(forms.Form):
    importer = forms.ChoiceField(label=_("What to import"))
    file = forms.FileField(label=_("File"))
    dry_run = forms.BooleanField(
        label=_("Check only (write nothing)"),
        required=False,
        help_text=_("Validate every row and show the report without changing any data."),
    )

    MAX_BYTES = 20 * 1024 * 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["importer"].choices = [(k, imp.label) for k, imp in sorted(IMPORTERS.items())]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
