"""Changing one's password (signed in) and resetting a forgotten one by e-mail: Django's own
views and forms, with Palermo's templates, the new password written by
``services.change_password`` (audited), reset links that die when the account is deactivated,
and e-mails written in the recipient's language with the site's configured address.

The templates have names of their own (``registration/change_password.html``, …) because
``django.contrib.admin``, listed before ``palermo.core``, ships templates under Django's default
names that would be found first."""

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse_lazy
from django.utils import translation

from . import services


class ResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token (dies once the password or last sign-in changes, or after
    ``PASSWORD_RESET_TIMEOUT``), also tied to the user's sign-in generation: deactivating the
    account kills the links already sent."""

    key_salt = "palermo.core.auth_views.ResetTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}:{user.sign_in_generation}"


reset_token_generator = ResetTokenGenerator()


def reset_hours() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def save(self, commit=True):
        services.change_password(
            acting_user=self.user,
            user=self.user,
            password=self.cleaned_data["new_password1"],
            how="changed",
        )
        return self.user


class SetPasswordForm(auth_forms.SetPasswordForm):
    def save(self, commit=True):
        services.change_password(
            acting_user=self.user,  # who holds the link sent to the account's address
            user=self.user,
            password=self.cleaned_data["new_password1"],
            how="reset",
        )
        return self.user


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Asks for an address and, if an active account has it, mails a link. The page says the
    same whether or not one does, so that it tells nobody which addresses have accounts."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        # The link points at PALERMO_SITE_URL, never at the Host header of whoever asked.
        context["site_url"] = settings.PALERMO_SITE_URL.rstrip("/")
        context["reset_hours"] = reset_hours()
        language = context["user"].language or translation.get_language()
        with translation.override(language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "registration/change_password.html"
    success_url = reverse_lazy("core:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/change_password_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    token_generator = reset_token_generator
    template_name = "registration/reset_password.html"
    email_template_name = "registration/reset_password_email.txt"
    subject_template_name = "registration/reset_password_subject.txt"
    success_url = reverse_lazy("core:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/reset_password_sent.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reset_hours": reset_hours()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    token_generator = reset_token_generator
    template_name = "registration/reset_password_confirm.html"
    success_url = reverse_lazy("core:password_reset_complete")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/reset_password_complete.html"
