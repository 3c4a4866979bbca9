"""Signing in, from the attacker's and the refused person's side: throttled guessing (django-axes,
throttling on), every failure in the audit trail, deactivation ending sessions and tokens for
good, changing and resetting a password, and the language cookie's attributes.

Every sign-in here goes through the real form (``POST /accounts/login/``) with the address the
server sees (``REMOTE_ADDR``, which Waitress fills from the trusted proxy; see test_proxy.py).
"""

import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.utils import timezone

from palermo.core import services
from palermo.core.models import ApiToken, User

pytestmark = pytest.mark.django_db

PASSWORD = "palermo-demo"  # every demo user's
LOGIN = "/accounts/login/"
LIMIT = settings.AXES_FAILURE_LIMIT
WRONG = "correct username and password"  # Django's refusal of a wrong password
JOB = "/api/jobs/00000000-0000-0000-0000-000000000000"  # any API read that needs a user


def sign_in(client, username, password=PASSWORD, address="10.0.0.1", url=LOGIN):
    return client.post(
        url, {"username": username, "password": password, "next": "/"}, REMOTE_ADDR=address
    )


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def failures_in_the_audit_trail():
    kind = ContentType.objects.get_for_model(AccessFailureLog)
    return LogEntry.objects.filter(content_type=kind, action=LogEntry.Action.CREATE)


def is_locked_out(response):
    return response.status_code == 429 and "Signing in is paused" in response.content.decode()


# --- throttling ------------------------------------------------------------------------------


def test_the_settings_throttle_as_documented():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_ENABLED and LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_thirty_wrong_passwords_are_stopped_and_each_is_in_the_audit_trail(client):
    answers = [sign_in(client, "observer", f"guess-{n}") for n in range(30)]
    # The first four are answered as wrong passwords; from the fifth, signing in is paused.
    assert all(r.status_code == 200 and WRONG in r.content.decode() for r in answers[: LIMIT - 1])
    assert all(is_locked_out(r) for r in answers[LIMIT - 1 :])
    assert not signed_in_as(client)
    # Every one of the thirty is recorded: who was tried, from where; never the password.
    entries = list(failures_in_the_audit_trail())
    assert len(entries) == 30
    for entry in entries:
        assert entry.changes_dict["username"][1] == "observer"
        assert entry.changes_dict["ip_address"][1] == "10.0.0.1"
        assert entry.actor is None
        assert "guess-" not in str(entry.changes)
    assert sum(e.changes_dict["locked_out"][1] == "True" for e in entries) == 30 - LIMIT + 1


def test_the_secretariat_reads_the_failures_on_the_audit_page(client, user_client):
    sign_in(client, "no-such-user", "whatever", address="192.0.2.7")
    page = user_client("secretariat").get("/audit/").content.decode()
    assert "no-such-user" in page and "192.0.2.7" in page


def test_while_paused_even_the_right_password_is_refused_with_an_explanation(client):
    for n in range(LIMIT):
        sign_in(client, "observer", f"guess-{n}")
    before = timezone.now()
    response = sign_in(client, "observer", PASSWORD)
    assert is_locked_out(response) and not signed_in_as(client)
    page = response.content.decode()
    assert '<html lang="en" dir="ltr">' in page  # the site's own page (base.html)
    assert "Try again after" in page and "in 15 minutes" in page
    retry_at = before + settings.AXES_COOLOFF_TIME
    assert retry_at.strftime("%H:") in page and "UTC" in page
    assert "the Secretariat can unlock your account" in page
    assert 'href="/accounts/password/reset/"' in page
    assert response["Retry-After"] == "900"
    assert WRONG not in page  # nothing says whether the password was right


def test_the_pause_page_is_in_the_readers_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    for n in range(LIMIT):
        response = sign_in(client, "observer", f"guess-{n}")
    assert response.status_code == 429
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_an_account_guessed_from_many_addresses_is_paused(client):
    for n in range(LIMIT):
        sign_in(Client(), "analyst", f"guess-{n}", address=f"198.51.100.{n + 1}")
    assert is_locked_out(sign_in(client, "analyst", PASSWORD, address="203.0.113.50"))


def test_an_address_trying_many_accounts_is_paused(client):
    for name in ["observer", "analyst", "expert", "nobody", "admin"]:
        sign_in(client, name, "Winter2024!", address="203.0.113.9")
    assert is_locked_out(sign_in(Client(), "practitioner", PASSWORD, address="203.0.113.9"))
    # Someone else, elsewhere, is not affected.
    other = Client()
    assert sign_in(other, "practitioner", PASSWORD, address="203.0.113.10").status_code == 302
    assert signed_in_as(other)


def test_signing_in_to_ones_own_account_does_not_reset_a_guessers_count(client):
    for n in range(LIMIT - 1):
        sign_in(client, "analyst", f"guess-{n}", address="203.0.113.20")
    insider = Client()
    assert sign_in(insider, "observer", PASSWORD, address="203.0.113.20").status_code == 302
    assert is_locked_out(sign_in(client, "analyst", "guess-last", address="203.0.113.20"))


def test_the_admin_sign_in_is_throttled_too(client):
    for n in range(LIMIT):
        response = sign_in(client, "secretariat", f"guess-{n}", url="/admin/login/")
    assert is_locked_out(response)
    assert is_locked_out(sign_in(client, "secretariat", PASSWORD))


def test_the_pause_ends_by_itself_after_the_lock_time(client):
    for n in range(LIMIT):
        sign_in(client, "observer", f"guess-{n}")
    assert is_locked_out(sign_in(client, "observer", PASSWORD))
    # Sixteen minutes later (the attempts' clock moved back rather than the test waiting):
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "observer", PASSWORD).status_code == 302 and signed_in_as(client)


def unlock(*args):
    out = io.StringIO()
    call_command("unlock_signin", *args, stdout=out)
    return out.getvalue()


def test_the_operator_unlocks_an_account(client, secretariat):
    for n in range(LIMIT):
        sign_in(Client(), "observer", f"guess-{n}", address=f"198.51.100.{n + 1}")
    assert is_locked_out(sign_in(client, "observer", PASSWORD))
    output = unlock("observer", "--as", "secretariat")
    assert "Unlocked account “observer”" in output
    assert sign_in(client, "observer", PASSWORD).status_code == 302
    observer = User.objects.get(username="observer")
    entry = LogEntry.objects.get_for_object(observer).get(changes__has_key="sign-in")
    assert entry.actor == secretariat and entry.changes_dict["sign-in"] == ["paused", "unlocked"]


def test_the_operator_unlocks_an_address(client):
    for name in ["a", "b", "c", "d", "e"]:
        sign_in(client, name, "x", address="203.0.113.30")
    assert is_locked_out(sign_in(client, "observer", PASSWORD, address="203.0.113.30"))
    assert "address 203.0.113.30" in unlock("--address", "203.0.113.30")
    assert sign_in(client, "observer", PASSWORD, address="203.0.113.30").status_code == 302


def test_unlocking_needs_an_account_or_a_real_address_and_a_secretariat_user():
    with pytest.raises(CommandError, match="Name an account"):
        unlock()
    with pytest.raises(CommandError, match="not an IP address"):
        unlock("--address", "somewhere")
    with pytest.raises(CommandError):
        unlock("observer", "--as", "observer")  # not the Secretariat
    assert "Nothing to unlock" in unlock("observer")


# --- deactivation ----------------------------------------------------------------------------


def test_deactivation_ends_sessions_and_tokens_even_after_reactivation(secretariat):
    target = User.objects.get(username="analyst")
    browser = Client()
    assert sign_in(browser, "analyst").status_code == 302
    _token, key = services.create_api_token(acting_user=target, name="nightly script")
    script = Client(headers={"Authorization": f"Bearer {key}"})
    assert browser.get("/account/").status_code == 200
    assert script.get(JOB).status_code == 404  # signed in: the job simply does not exist

    services.set_user_active(acting_user=secretariat, user=target, active=False)
    services.set_user_active(acting_user=secretariat, user=target, active=True)

    # The old session and the old token are worth nothing, although the account is active.
    response = browser.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert script.get(JOB).status_code == 401
    assert not ApiToken.objects.filter(user=target).exists()
    token_kind = ContentType.objects.get_for_model(ApiToken)
    deleted = LogEntry.objects.get(content_type=token_kind, action=LogEntry.Action.DELETE)
    assert deleted.actor == secretariat and "nightly script" in deleted.object_repr
    # Signing in afresh works.
    assert sign_in(Client(), "analyst").status_code == 302


def test_a_forced_session_dies_too_whatever_the_generation(secretariat):
    target = User.objects.get(username="analyst")
    for _ in range(2):  # generation 0 → 1 → 2: each deactivation ends the sessions before it
        browser = Client()
        browser.force_login(target)
        assert browser.get("/account/").status_code == 200
        services.set_user_active(acting_user=secretariat, user=target, active=False)
        services.set_user_active(acting_user=secretariat, user=target, active=True)
        target.refresh_from_db()
        assert browser.get("/account/").status_code == 302


def test_generation_zero_keeps_djangos_session_hash():
    """Adding the generation signed nobody out: existing sessions carry Django's own hash."""
    user = User.objects.get(username="observer")
    assert user.sign_in_generation == 0
    assert user.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(user)
    user.sign_in_generation = 1
    assert user.get_session_auth_hash() != AbstractBaseUser._get_session_auth_hash(user)


def test_a_reset_link_sent_before_deactivation_dies(client, secretariat):
    link = reset_link(client, "analyst@example.org")
    target = User.objects.get(username="analyst")
    services.set_user_active(acting_user=secretariat, user=target, active=False)
    services.set_user_active(acting_user=secretariat, user=target, active=True)
    page = client.get(link, follow=True).content.decode()
    assert "This link no longer works" in page


# --- changing one's password -----------------------------------------------------------------

CHANGE = "/accounts/password/"
NEW_PASSWORD = "Blue-river-stone-42"


def test_changing_a_password_needs_to_be_signed_in():
    response = Client().get(CHANGE)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_account_page_and_the_login_page_link_to_the_password_pages(user_client):
    assert f'href="{CHANGE}"' in user_client("observer").get("/account/").content.decode()
    assert 'href="/accounts/password/reset/"' in Client().get(LOGIN).content.decode()


def test_a_wrong_current_password_or_a_weak_new_one_is_refused(user_client):
    client = user_client("observer")
    page = client.post(
        CHANGE,
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    ).content.decode()
    assert "Your old password was entered incorrectly" in page
    page = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    ).content.decode()
    assert "This password is too common." in page
    assert User.objects.get(username="observer").check_password(PASSWORD)


def test_changing_ones_password_signs_out_the_other_sessions_and_is_audited():
    here, elsewhere = Client(), Client()
    sign_in(here, "observer")
    sign_in(elsewhere, "observer", address="10.0.0.2")
    response = here.post(
        CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your password was changed." in response.content.decode()
    assert here.get("/account/").status_code == 200  # still signed in here
    assert elsewhere.get("/account/").status_code == 302  # signed out there
    assert sign_in(Client(), "observer", PASSWORD).status_code == 200  # old one refused
    assert sign_in(Client(), "observer", NEW_PASSWORD).status_code == 302
    observer = User.objects.get(username="observer")
    entry = LogEntry.objects.get_for_object(observer).get(changes__has_key="password")
    assert entry.actor == observer and entry.changes_dict["password"] == ["…", "changed"]
    assert observer.password not in str(entry.changes)


# --- resetting a forgotten password by e-mail ------------------------------------------------

RESET = "/accounts/password/reset/"


def reset_link(client, email):
    mail.outbox.clear()
    response = client.post(RESET, {"email": email})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1, "no e-mail sent"
    url = re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", mail.outbox[0].body)
    return urlsplit(url.group(0)).path


@override_settings(PALERMO_SITE_URL="https://palermo.example")
def test_the_reset_email_links_to_the_configured_site_not_the_asking_host(client):
    client.post(RESET, {"email": "OBSERVER@example.org"}, HTTP_HOST="localhost")
    (message,) = mail.outbox
    assert message.to == ["observer@example.org"]
    assert message.subject == "[Palermo] Choose a new password"
    assert "https://palermo.example/accounts/password/reset/" in message.body
    assert "localhost" not in message.body
    assert "“observer”" in message.body and "within 24 hours" in message.body


def test_an_unknown_or_inactive_address_gets_the_same_answer_and_no_email(client, secretariat):
    known = client.post(RESET, {"email": "nobody@example.org"}, follow=True).content.decode()
    target = User.objects.get(username="analyst")
    services.set_user_active(acting_user=secretariat, user=target, active=False)
    inactive = client.post(RESET, {"email": "analyst@example.org"}, follow=True).content.decode()
    assert "Check your e-mail" in known and "Check your e-mail" in inactive
    assert mail.outbox == []


def test_the_reset_link_sets_a_new_password_once_and_is_audited(client):
    link = reset_link(client, "observer@example.org")
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your new password is set." in done.content.decode()
    assert sign_in(Client(), "observer", NEW_PASSWORD).status_code == 302
    # The link is spent.
    assert "This link no longer works" in Client().get(link, follow=True).content.decode()
    observer = User.objects.get(username="observer")
    entry = LogEntry.objects.get_for_object(observer).get(changes__has_key="password")
    assert entry.changes_dict["password"] == ["…", "reset"] and entry.actor == observer


def test_a_reset_lifts_the_pause_on_the_account(client):
    for n in range(LIMIT):
        sign_in(Client(), "observer", f"guess-{n}", address=f"198.51.100.{n + 1}")
    assert is_locked_out(sign_in(client, "observer", PASSWORD))
    link = reset_link(client, "observer@example.org")
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert sign_in(Client(), "observer", NEW_PASSWORD, address="10.9.9.9").status_code == 302


def test_a_forged_reset_link_is_refused(client):
    page = client.get("/accounts/password/reset/MQ/set-password/", follow=True).content.decode()
    assert "This link no longer works" in page
    page = client.get("/accounts/password/reset/MQ/abc-0123456789abcdef/").content.decode()
    assert "This link no longer works" in page


# --- the language cookie ---------------------------------------------------------------------


def language_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    return response.cookies[settings.LANGUAGE_COOKIE_NAME]


def test_the_language_cookie_is_lax_and_hidden_from_scripts(client):
    cookie = language_cookie(client)
    assert cookie.value == "fr"
    assert cookie["samesite"] == "Lax" and cookie["httponly"] is True


@override_settings(LANGUAGE_COOKIE_SECURE=True)  # what production sets (test_settings.py)
def test_in_production_the_language_cookie_is_only_sent_over_https(client):
    header = language_cookie(client).output()
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header


def test_the_secretariat_unlocks_an_account_from_its_page(user_client):
    from django.conf import settings

    from palermo.core.models import User

    observer = User.objects.get(username="observer")
    guesser = user_client(None)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guesser.post("/accounts/login/", {"username": "observer", "password": "wrong"})
    secretariat = user_client("secretariat")
    page = secretariat.get(f"/users/{observer.pk}/").content.decode()
    assert "Unlock sign-in" in page
    # Another role cannot lift it.
    assert user_client("focal-point").post(f"/users/{observer.pk}/unlock/").status_code == 403
    secretariat.post(f"/users/{observer.pk}/unlock/")
    assert "Unlock sign-in" not in secretariat.get(f"/users/{observer.pk}/").content.decode()
    signed_in = user_client(None).post(
        "/accounts/login/", {"username": "observer", "password": "palermo-demo"}
    )
    assert signed_in.status_code == 302
