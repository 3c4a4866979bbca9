"""Loads the reference data shipped in ``core/data`` (M49 regions, UN regional groups)."""

import csv
import gettext
from pathlib import Path

import pycountry
from django.db import transaction
from django.utils.text import slugify

from palermo.platform.audit import as_system

from .choices import ParticipantKind, RegionLevel
from .models import Participant, Region, RegionalGroup

DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = {"ar": "ar", "zh": "zh_CN", "fr": "fr", "ru": "ru", "es": "es"}
# M49 short names whose ISO common name differs, as UN treaty sources print them.
UN_NAME_ALIASES = {
    "TUR": ["Türkiye", "Turkey"],
    "CZE": ["Czech Republic"],
    "SWZ": ["Swaziland"],
    "MKD": ["The former Yugoslav Republic of Macedonia"],
    "CPV": ["Cape Verde"],
}


def _translations():
    return {
        field: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[code])
        for field, code in LANGUAGES.items()
    }


def _iso_names(iso3: str) -> tuple[list[str], str | None]:
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return [], None
    names = [getattr(country, attr, None) for attr in ("name", "common_name", "official_name")]
    return [n for n in names if n], country.name


@transaction.atomic
@as_system
def load_reference_data(progress=None) -> dict:
    """Create or update regions, groups and participants; safe to run again."""
    translations = _translations()
    rows = list(csv.DictReader((DATA / "m49.csv").open(encoding="utf-8")))
    groups = list(csv.DictReader((DATA / "un_regional_groups.csv").open(encoding="utf-8")))
    if progress:
        progress.set_total(len(rows) + len(groups), "Loading M49 regions and participants")

    regions: dict[str, Region] = {}

    def region(code, name, level, parent=None):
        if not code:
            return None
        if code not in regions:
            regions[code], _ = Region.objects.update_or_create(
                code=code, defaults={"name": name, "level": level, "parent": parent}
            )
        return regions[code]

    group_by_iso = {}
    for g in groups:
        grp, _ = RegionalGroup.objects.update_or_create(
            code=slugify(g["group"]), defaults={"name": f"{g['group']} Group"}
        )
        group_by_iso[g["iso3"]] = grp

    count = 0
    for row in rows:
        if progress:
            progress.advance()
        iso3 = row["iso3"].strip()
        if not iso3:
            continue  # areas with no ISO code (e.g. Sark) cannot take treaty actions
        top = region(row["region_code"], row["region"], RegionLevel.REGION)
        sub = region(row["subregion_code"], row["subregion"], RegionLevel.SUBREGION, top)
        inter = region(
            row["intermediate_region_code"],
            row["intermediate_region"],
            RegionLevel.INTERMEDIATE,
            sub,
        )
        iso_names, iso_name = _iso_names(iso3)
        names = {}
        for field, tr in translations.items():
            names[f"name_{field}"] = tr.gettext(iso_name) if iso_name else ""
            if names[f"name_{field}"] == iso_name:
                names[f"name_{field}"] = ""  # untranslated: fall back to English at display
        aliases = sorted({*iso_names, *UN_NAME_ALIASES.get(iso3, [])} - {row["country"]})
        if iso3 in group_by_iso:
            aliases = sorted(
                set(aliases)
                | ({g["country"] for g in groups if g["iso3"] == iso3} - {row["country"]})
            )
        Participant.objects.update_or_create(
            code=iso3,
            defaults={
                "m49_code": row["m49_code"],
                "name": row["country"],
                "kind": ParticipantKind.STATE,
                "region": top,
                "subregion": sub,
                "intermediate_region": inter,
                "regional_group": group_by_iso.get(iso3),
                "un_member": iso3 in group_by_iso,
                "ldc": bool(row["ldc"].strip()),
                "lldc": bool(row["lldc"].strip()),
                "sids": bool(row["sids"].strip()),
                "aliases": aliases,
                **names,
            },
        )
        count += 1
    for row in csv.DictReader((DATA / "participants_extra.csv").open(encoding="utf-8")):
        Participant.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "kind": row["kind"]}
        )
        count += 1
    return {"participants": count, "regions": len(regions), "groups": RegionalGroup.objects.count()}


def participant_index() -> dict[str, Participant]:
    """Normalised name, alias or code → participant, for matching names in imported files."""
    index = {}
    for p in Participant.objects.all():
        for name in [p.code, p.name, *p.aliases]:
            index[normalise_name(name)] = p
    return index


def normalise_name(name: str) -> str:
    import unicodedata

    text = (name or "").replace("’", "'").replace(",", " ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.lower().split())
