"""What the Library contributes to site search: laws, each provision on its own, cases,
bibliography and national strategies.

Every document has the facet ``section`` = ``library`` (``queries.library_search`` keeps to
it), its State, the State's M49 region, crime types, the articles implemented (``UNTOC-6``: a
provision tagged 6(1)(a) counts for article 6), cross-cutting issues and a year; the language
is the record's (a provision's is its law's). Who sees a document is the record's policy,
restated as access terms kept in the index: ``public`` for a published record, ``state:<pk>``
for the others (its State's contributors), everything for the Secretariat. A status change
saves the record, which reindexes it (and a law's provisions, through ``follows``).
"""

from functools import lru_cache

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from palermo.core.choices import Role
from palermo.core.models import Participant, Region
from palermo.core.permissions import is_secretariat
from palermo.platform.policies import states_of
from palermo.platform.search import ALL, Facet, register_search

from .choices import RecordStatus
from .models import (
    Case,
    CaseSummary,
    CrimeType,
    CrossCuttingIssue,
    Law,
    Provision,
    ProvisionArticle,
    Publication,
    Strategy,
)
from .serializers import article_facet


@lru_cache(maxsize=1)
def _state_names() -> dict:
    return {p.code: p for p in Participant.objects.all()}


@lru_cache(maxsize=1)
def _region_names() -> dict:
    return dict(Region.objects.values_list("code", "name"))


@lru_cache(maxsize=2)
def _terms(model) -> dict:
    return {t.code: t for t in model.objects.all()}


def _clear(*args, **kwargs):
    _state_names.cache_clear()
    _region_names.cache_clear()
    _terms.cache_clear()


for _model in (Participant, Region, CrimeType, CrossCuttingIssue):
    post_save.connect(_clear, sender=_model, dispatch_uid=f"library-labels-{_model.__name__}")
    post_delete.connect(_clear, sender=_model, dispatch_uid=f"library-labels-d-{_model.__name__}")


def state_label(code: str) -> str:
    participant = _state_names().get(code)
    return participant.localized_name if participant else code


def region_label(code: str) -> str:
    return _region_names().get(code, code)


def crime_type_label(code: str) -> str:
    term = _terms(CrimeType).get(code)
    return term.label() if term else code


def issue_label(code: str) -> str:
    term = _terms(CrossCuttingIssue).get(code)
    return term.label() if term else code


def article_label(value: str) -> str:
    code, _sep, number = value.partition("-")
    return f"{code} {_('art.')} {number}"


def section_label(value: str) -> str:
    return str(_("Library")) if value == "library" else value


# Access, as terms the index keeps (the policy stays the one truth: access_disagreements).


def _record_access(record) -> list[str]:
    if record.status == RecordStatus.PUBLISHED:
        return ["public"]
    return [f"state:{record.participant_id}"]


def _user_terms(user):
    if is_secretariat(user):
        return ALL
    return ["public", *(f"state:{pk}" for pk in states_of(user, Role.FOCAL_POINT, Role.EXPERT))]


# Facet values ---------------------------------------------------------------------------


def _region(record) -> str | None:
    return record.participant.region_id


def _codes(manager) -> list[str]:
    return [t.code for t in manager.all()]


def _law_crime_types(law) -> list[str]:
    return sorted({t.code for p in law.provisions.all() for t in p.crime_types.all()})


def _law_issues(law) -> list[str]:
    return sorted({t.code for p in law.provisions.all() for t in p.issues.all()})


def _law_articles(law) -> list[str]:
    return sorted({article_facet(t) for p in law.provisions.all() for t in p.tags.all()})


def _year(value) -> str | None:
    return str(value.year) if value else None


COMMON = {
    "section": Facet(_("Section"), lambda r: "library", value_label=section_label),
    "state": Facet(_("State"), "participant__code", value_label=state_label),
}
REGION = Facet(_("Region"), _region, value_label=region_label)


def _facets(crime_types, issues, year, articles=None, region=REGION) -> dict:
    facets = {
        **COMMON,
        "region": region,
        "crime_type": Facet(_("Crime type"), crime_types, value_label=crime_type_label),
        "issue": Facet(_("Cross-cutting issue"), issues, value_label=issue_label),
        "year": Facet(_("Year"), year),
    }
    if articles is not None:
        facets["article"] = Facet(_("Article"), articles, value_label=article_label)
    return facets


def _title(record) -> str:
    return f"{record.participant.localized_name}: {record}"


ACCESS = {"access": _record_access, "access_terms": _user_terms}

register_search(
    "legislation",
    _("Legislation"),
    model=Law,
    fields={"title": "A", "title_en": "A", "full_text": "C"},
    snippet_fields=("title", "title_en", "full_text"),
    queryset=lambda: Law.objects.select_related("participant").prefetch_related(
        "provisions__crime_types", "provisions__issues", "provisions__tags__article__instrument"
    ),
    result=lambda law: (_title(law), law.get_absolute_url()),
    language="language",
    facets=_facets(
        _law_crime_types, _law_issues, lambda law: _year(law.adopted), articles=_law_articles
    ),
    # A provision's tags are the law's facets.
    follows={
        Provision: lambda p: [p.law_id],
        ProvisionArticle: lambda t: Law.objects.filter(provisions__pk=t.provision_id),
    },
    order=50,
    **ACCESS,
)


def _provision_access(provision) -> list[str]:
    return _record_access(provision.law)


register_search(
    "provisions",
    _("Provisions of legislation"),
    model=Provision,
    fields={"heading": "A", "text": "B", "text_en": "B"},
    snippet_fields=("text", "text_en", "heading"),
    queryset=lambda: Provision.objects.select_related("law__participant").prefetch_related(
        "crime_types", "issues", "tags__article__instrument"
    ),
    result=lambda p: (f"{_title(p.law)} — {p.number}", p.get_absolute_url()),
    language="law__language",
    facets={
        "section": COMMON["section"],
        "state": Facet(_("State"), "law__participant__code", value_label=state_label),
        "region": Facet(_("Region"), "law__participant__region_id", value_label=region_label),
        "crime_type": Facet(
            _("Crime type"), lambda p: _codes(p.crime_types), value_label=crime_type_label
        ),
        "issue": Facet(
            _("Cross-cutting issue"), lambda p: _codes(p.issues), value_label=issue_label
        ),
        "article": Facet(
            _("Article"),
            lambda p: sorted({article_facet(t) for t in p.tags.all()}),
            value_label=article_label,
        ),
        "year": Facet(_("Year"), lambda p: _year(p.law.adopted)),
    },
    # Editing a law (its title, its status) reindexes its provisions.
    follows={
        Law: lambda law: law.provisions.all(),
        ProvisionArticle: lambda t: [t.provision_id],
    },
    order=51,
    access=_provision_access,
    access_terms=_user_terms,
)


def _case_articles(case) -> list[str]:
    return sorted(
        {
            article_facet(t)
            for charge in case.charges.all()
            for p in charge.provisions.all()
            for t in p.tags.all()
        }
    )


register_search(
    "cases",
    _("Cases"),
    model=Case,
    fields={
        "title": "A",
        "keywords": "A",
        "summary_texts": "B",
        "commentary": "C",
        "lessons_learned": "C",
    },
    snippet_fields=("summary_texts", "commentary", "lessons_learned", "title"),
    queryset=lambda: Case.objects.select_related("participant").prefetch_related(
        "crime_types", "issues", "summaries", "charges__provisions__tags__article__instrument"
    ),
    result=lambda c: (_title(c), c.get_absolute_url()),
    language="language",
    facets=_facets(
        lambda c: _codes(c.crime_types),
        lambda c: _codes(c.issues),
        lambda c: _year(c.decided or c.opened),
        articles=_case_articles,
    ),
    follows={CaseSummary: lambda s: [s.case_id]},
    order=52,
    **ACCESS,
)

register_search(
    "bibliography",
    _("Bibliography"),
    model=Publication,
    fields={"title": "A", "authors": "B", "abstract": "C", "publisher": "D"},
    snippet_fields=("abstract", "title"),
    queryset=lambda: Publication.objects.select_related("participant").prefetch_related(
        "crime_types", "issues", "states"
    ),
    result=lambda p: (_title(p), p.get_absolute_url()),
    language="language",
    facets={
        **_facets(
            lambda p: _codes(p.crime_types),
            lambda p: _codes(p.issues),
            lambda p: str(p.year) if p.year else None,
        ),
        # The contributing State and the States the publication covers.
        "state": Facet(
            _("State"),
            lambda p: sorted({p.participant.code, *(s.code for s in p.states.all())}),
            value_label=state_label,
        ),
    },
    order=53,
    **ACCESS,
)

register_search(
    "strategies",
    _("National strategies"),
    model=Strategy,
    fields={"title": "A", "title_en": "A", "summary": "B"},
    snippet_fields=("summary", "title", "title_en"),
    queryset=lambda: Strategy.objects.select_related("participant").prefetch_related(
        "crime_types", "issues"
    ),
    result=lambda s: (_title(s), s.get_absolute_url()),
    language="language",
    facets=_facets(
        lambda s: _codes(s.crime_types),
        lambda s: _codes(s.issues),
        lambda s: _year(s.adopted) or (str(s.period_start) if s.period_start else None),
    ),
    order=54,
    **ACCESS,
)
