import json

from django.core.management.base import BaseCommand, CommandError

from palermo.platform.search import FACETS, PROVIDERS, search, too_short

from ._base import acting_user


def _facet(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name or not value:
        raise CommandError(f"A facet filter is name=value, not “{text}”.")
    return name.strip(), value.strip()


def page_dict(found) -> dict:
    """The ``--json`` output (field by field in docs/user/search.md)."""
    return {
        "query": found.query,
        "filters": found.filters,
        "total": found.total,
        "total_exact": found.total_exact,
        "page": found.page,
        "pages": found.pages,
        "page_size": found.page_size,
        "results": [
            {
                "rank": found.start + i,
                "title": r.title,
                "url": r.url,
                "kind": r.provider,
                "language": r.language,
                "snippet": r.snippet,
                "score": r.score,
            }
            for i, r in enumerate(found.results)
        ],
        "facets": [
            {
                "name": group.name,
                "label": group.label,
                "values": [
                    {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                    for v in group.values
                ],
            }
            for group in found.facets
        ],
    }


class Command(BaseCommand):
    help = (
        "Search the site as a user sees it: one ranked list (title, address, kind, language, "
        "the passage that matches, score), the total and the facet counts. Without --as it "
        "searches as an anonymous visitor. "
        'Example: palermo search "central authority" --kind articles --facet instrument=UNTOC'
    )

    def add_arguments(self, parser):
        parser.add_argument("query", help='Words (all required), "a phrase", prefix*, OR, NOT.')
        parser.add_argument("--kind", help=f"Only this kind: {', '.join(sorted(PROVIDERS))}.")
        parser.add_argument("--language", help="Only records in this language (en, fr …).")
        parser.add_argument(
            "--facet",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="Only results with this facet value (repeatable), e.g. instrument=UNTOC.",
        )
        parser.add_argument("--page", type=int, default=1, help="Page of 20 results (from 1).")
        parser.add_argument(
            "--as", dest="user", help="Search as this user (default: an anonymous visitor)."
        )
        parser.add_argument("--json", action="store_true", help="Print JSON for scripts.")

    def handle(self, *args, **options):
        user = acting_user(options["user"], anonymous=True)
        query = options["query"].strip()
        if too_short(query):
            raise CommandError("Type at least two letters.")
        if options["page"] < 1:
            raise CommandError("--page counts from 1.")
        filters = {}
        if options["kind"]:
            if options["kind"] not in PROVIDERS:
                raise CommandError(
                    f"No kind “{options['kind']}”; choose from {', '.join(sorted(PROVIDERS))}."
                )
            filters["kind"] = options["kind"]
        if options["language"]:
            filters["language"] = options["language"]
        for text in options["facet"]:
            name, value = _facet(text)
            if name not in FACETS and name not in ("kind", "language"):
                known = ", ".join(sorted({"kind", "language", *FACETS}))
                raise CommandError(f"No facet “{name}”; choose from {known}.")
            filters[name] = value
        found = search(query, user, filters=filters, page=options["page"])
        if options["json"]:
            self.stdout.write(json.dumps(page_dict(found), indent=2, ensure_ascii=False))
            return
        self.show(found)

    def show(self, found):
        if not found.total:
            self.stdout.write(f"Nothing found for “{found.query}”.")
            return
        total = f"{found.total}" if found.total_exact else f"more than {found.total}"
        self.stdout.write(
            self.style.SUCCESS(f"{total} results")
            + f" — page {found.page} of {found.pages}"
            + ("" if found.total_exact else f" (the best of the first {found.total} found)")
        )
        for i, r in enumerate(found.results):
            self.stdout.write("")
            self.stdout.write(f"{found.start + i}. {r.title}")
            self.stdout.write(f"   {r.url}")
            language = f" · {r.language}" if r.language else ""
            self.stdout.write(f"   {r.provider}{language} · score {r.score:g}")
            if r.snippet:
                self.stdout.write(f"   {r.snippet}")
        for group in found.facets:
            self.stdout.write("")
            self.stdout.write(f"{group.label}:")
            for v in group.values:
                mark = " (chosen)" if v.selected else ""
                self.stdout.write(f"   {v.label} [{group.name}={v.value}]: {v.count}{mark}")
