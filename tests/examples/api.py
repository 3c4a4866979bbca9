from ninja import NinjaAPI
from ninja.pagination import PageNumberPagination, paginate

from palermo.core.api_auth import READ
from palermo.platform.policies import restrict
from palermo.platform.schemas import PolicySchema, openapi_for
from palermo.platform.views import get_visible_or_404

from .models import Casefile

api = NinjaAPI(urls_namespace="examples-api", docs_url=None)


class CasefileOut(PolicySchema):
    policy_model = Casefile
    id: int
    title: str
    informant_phone: str = ""


@api.get("/casefiles", response=list[CasefileOut], auth=READ)
@paginate(PageNumberPagination, page_size=50)
def list_casefiles(request):
    return restrict(Casefile.objects.all(), request.auth)


@api.get("/casefiles/{pk}", response=CasefileOut, auth=READ)
def get_casefile(request, pk: int):
    return get_visible_or_404(Casefile.objects.all(), request.auth, pk=pk)


@api.get("/openapi-for-me", auth=READ)
def openapi_for_me(request):
    return openapi_for(api.get_openapi_schema(), request.auth)
