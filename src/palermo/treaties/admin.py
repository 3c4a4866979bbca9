from django.contrib import admin

from .models import Article, Declaration, Instrument, StatusSnapshot, TreatyAction


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "short_title",
        "depositary_number",
        "official_entry_into_force",
        "actions_complete",
    ]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["instrument", "number", "title"]
    list_filter = ["instrument"]
    search_fields = ["title", "text"]


@admin.register(TreatyAction)
class TreatyActionAdmin(admin.ModelAdmin):
    list_display = ["participant", "instrument", "kind", "date", "source"]
    list_filter = ["instrument", "kind"]
    search_fields = ["participant__name", "participant__code"]
    list_select_related = ["participant", "instrument"]
    autocomplete_fields = ["participant"]


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ["participant", "instrument", "kind", "subject", "is_demo"]
    list_filter = ["instrument", "subject", "is_demo"]
    list_select_related = ["participant", "instrument"]
    autocomplete_fields = ["participant"]


admin.site.register(StatusSnapshot)
