"""The API: django-ninja under /api/, one router per module, OpenAPI at /api/docs.

The error contract, pagination and OpenAPI details are the platform's (``platform/api.py``)."""

from palermo.analysis.api import router as analysis_router
from palermo.assistance.api import router as assistance_router
from palermo.cooperation.api import router as cooperation_router
from palermo.core.api import router as core_router
from palermo.core.api_auth import reader
from palermo.directory.api import router as directory_router
from palermo.library.api import router as library_router
from palermo.platform.api import PalermoAPI, openapi_reader
from palermo.statistics.api import router as statistics_router
from palermo.treaties.api import router as treaties_router

api = PalermoAPI(
    title="Palermo API",
    version="1.0.0",
    description=(
        "Everything the Palermo pages show, for scripts. Read endpoints are public where the "
        "data is public; others need a token (header `Authorization: Bearer <token>`, created "
        "on your account page). A token that is unknown or expired is refused with 401, even "
        "on a public read. Lists are paginated with `?page=` (and `?page_size=`, at most 100). "
        "Every answer is JSON; errors are objects with a `detail` that says what is wrong "
        "(a sentence, or a list of them)."
    ),
    docs_url="/docs",
    docs_decorator=openapi_reader(reader),
    urls_namespace="api-1.0.0",
)

api.add_router("/", core_router)
api.add_router("/treaties", treaties_router)
api.add_router("/library", library_router)
api.add_router("/directory", directory_router)
api.add_router("/assistance", assistance_router)
api.add_router("/statistics", statistics_router)
api.add_router("/analysis", analysis_router)
api.add_router("/cooperation", cooperation_router)
