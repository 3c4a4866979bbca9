from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import (
    ApiToken,
    Job,
    Notification,
    Participant,
    Region,
    RegionalGroup,
    RoleAssignment,
    User,
)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["participant"]


@admin.register(User)
class PalermoUserAdmin(UserAdmin):
    inlines = [RoleInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "m49_code", "kind", "region", "regional_group"]
    list_filter = ["kind", "region", "regional_group"]
    search_fields = ["name", "code"]
    list_select_related = ["region", "regional_group"]


admin.site.register(Region)
admin.site.register(RegionalGroup)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "status", "owner", "created"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in Job._meta.fields]


admin.site.register(
    ApiToken,
    list_display=["name", "user", "prefix", "created", "last_used"],
    readonly_fields=["prefix", "key_hash"],
)
admin.site.register(Notification, list_display=["title", "recipient", "created", "read_at"])
