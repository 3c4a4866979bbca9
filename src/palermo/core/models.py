"""Core's domain: participants and regions, users and their roles, API tokens.

Jobs and notifications are the platform's records (``platform.models``), re-exported here.
"""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from palermo.platform.models import Job, Notification, TimeStamped  # noqa: F401  (re-exported)

from .choices import STATE_BOUND_ROLES, ParticipantKind, RegionLevel, Role


class Region(TimeStamped):
    """A UN M49 geographic region, sub-region or intermediate region (UN Statistics Division)."""

    code = models.CharField(_("M49 code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return gettext(self.name)  # a fixed set, translated in the catalogues (region_names.py)


class RegionalGroup(TimeStamped):
    """One of the five UN regional groups; reviewing States are drawn by group."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("UN regional group")
        verbose_name_plural = _("UN regional groups")

    def __str__(self):
        return gettext(self.name)


class ParticipantQuerySet(models.QuerySet):
    def with_regions(self):
        return self.select_related("region", "subregion", "intermediate_region", "regional_group")

    def in_region(self, code: str):
        """Participants in an M49 region or sub-region (by its code); all when empty."""
        if not code:
            return self
        return self.filter(Q(region__code=code) | Q(subregion__code=code))

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        if len(text) == 3 and text.isalpha() and self.filter(code=text.upper()).exists():
            return self.filter(code=text.upper())  # an exact ISO code means that participant
        query = Q(name__icontains=text)
        for lang in ("fr", "es", "ru", "ar", "zh"):
            query |= Q(**{f"name_{lang}__icontains": text})
        return self.filter(query)


class Participant(TimeStamped):
    """A State or regional economic integration organization that can take treaty actions.

    ``code`` is the ISO 3166-1 alpha-3 code; the European Union, which has none, uses EUU
    (the code the World Bank uses for it). English names are UN M49 short names; names in the
    other UN languages come from the iso-codes translations shipped with pycountry.
    """

    code = models.CharField(_("code"), max_length=3, unique=True)
    m49_code = models.CharField(_("M49 code"), max_length=3, blank=True)
    kind = models.CharField(
        _("kind"), max_length=5, choices=ParticipantKind.choices, default=ParticipantKind.STATE
    )
    name = models.CharField(_("name"), max_length=100)
    name_ar = models.CharField(_("name (Arabic)"), max_length=150, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=150, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=150, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=150, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=150, blank=True)
    aliases = models.JSONField(
        _("other names"),
        default=list,
        blank=True,
        help_text=_("Names under which sources list this participant, used to match imports."),
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
    )
    subregion = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sub-region"),
    )
    intermediate_region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("intermediate region"),
    )
    regional_group = models.ForeignKey(
        RegionalGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("UN regional group"),
    )
    un_member = models.BooleanField(_("UN Member State"), default=False)
    ldc = models.BooleanField(_("least developed country"), default=False)
    lldc = models.BooleanField(_("land-locked developing country"), default=False)
    sids = models.BooleanField(_("small island developing State"), default=False)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{3}$"),
                name="participant_code_alpha3",
                violation_error_message=_(
                    "The code must be three capital letters (ISO 3166-1 alpha-3)."
                ),
            )
        ]

    def __str__(self):
        return self.localized_name

    @property
    def localized_name(self) -> str:
        lang = (get_language() or "en").split("-")[0]
        return getattr(self, f"name_{lang}", "") or self.name

    @property
    def is_reio(self) -> bool:
        return self.kind == ParticipantKind.REIO


class User(AbstractUser):
    """A person who signs in. What they may do comes from their role assignments."""

    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "Notifications and e-mails are written in this language; the pages open in "
            "it when you sign in."
        ),
    )
    sign_in_generation = models.PositiveIntegerField(
        _("sign-in generation"),
        default=0,
        editable=False,
        help_text=_(
            "Raised when the account is deactivated: every session and password-reset link "
            "issued before then stops working, even once the account is active again."
        ),
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret=None):
        """The session's proof of this sign-in, checked by Django on every request: besides the
        password hash (a new password ends the other sessions) it covers the sign-in
        generation, so raising it ends every session at once, whatever the session store.
        Generation 0 keeps Django's own value, so that adding it signed nobody out."""
        if not self.sign_in_generation:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "palermo.core.models.User.get_session_auth_hash",
            f"{self.password}:{self.sign_in_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def cached_roles(self) -> list["RoleAssignment"]:
        if not hasattr(self, "_role_cache"):
            self._role_cache = list(self.role_assignments.select_related("participant"))
        return self._role_cache


class RoleAssignment(TimeStamped):
    """A role given to a user, bound to a State for the roles that act for one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    participant = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("State"),
    )

    class Meta:
        ordering = ["user__username", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "participant"],
                name="unique_role_assignment",
                violation_error_message=_("This user already has this role for this State."),
            ),
            # NULLs are distinct in a unique index: a role without a State needs its own rule.
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(participant__isnull=True),
                name="unique_role_without_state",
                violation_error_message=_("This user already has this role."),
            ),
            models.CheckConstraint(
                condition=~Q(role__in=sorted(STATE_BOUND_ROLES)) | Q(participant__isnull=False),
                name="state_bound_role_has_state",
                violation_error_message=_(
                    "Focal points, governmental experts and practitioners act for a State: choose one."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.SECRETARIAT) | Q(participant__isnull=True),
                name="secretariat_role_has_no_state",
                violation_error_message=_(
                    "The Secretariat serves every State: leave the State empty."
                ),
            ),
        ]

    def __str__(self):
        label = self.get_role_display()
        return (
            f"{self.user}: {label} ({self.participant})"
            if self.participant
            else f"{self.user}: {label}"
        )


class ApiToken(TimeStamped):
    """A secret that lets a script call the API as its user; only a hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        return self.expires is not None and self.expires <= timezone.now()
