from django.db import models
from django.utils.translation import gettext_lazy as _


class ParticipantKind(models.TextChoices):
    STATE = "state", _("State")
    REIO = "reio", _("Regional economic integration organization")


class RegionLevel(models.TextChoices):
    REGION = "region", _("Region")
    SUBREGION = "subregion", _("Sub-region")
    INTERMEDIATE = "intermediate", _("Intermediate region")


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    FOCAL_POINT = "focal_point", _("National focal point")
    EXPERT = "expert", _("Governmental expert")
    OBSERVER = "observer", _("Observer")
    PRACTITIONER = "practitioner", _("Central-authority practitioner")
    ANALYST = "analyst", _("Analyst")


# Roles that act for one State and are meaningless without it.
STATE_BOUND_ROLES = frozenset({Role.FOCAL_POINT, Role.EXPERT, Role.PRACTITIONER})
