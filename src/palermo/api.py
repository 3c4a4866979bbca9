"""The API: django-ninja under /api/, one router per module, OpenAPI at /api/docs."""

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from palermo.core.api import router as core_router
from palermo.treaties.api import router as treaties_router

api = NinjaAPI(
    title="Palermo API",
    version="1.0.0",
    description=(
        "Everything the Palermo pages show, for scripts. Read endpoints are public where the "
        "data is public; others need a token (header `Authorization: Bearer <token>`, created "
        "on your account page). Lists are paginated with `?page=`. Errors are JSON objects "
        "with a `detail` that says what is wrong."
    ),
    docs_url="/docs",
    urls_namespace="api-1.0.0",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    message = str(exc) or "Your role does not allow this."
    status = (
        403
        if getattr(request.auth if hasattr(request, "auth") else None, "is_authenticated", False)
        else 401
    )
    return api.create_response(request, {"detail": message}, status=status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request,
        {
            "detail": (
                "Sign in, or send an API token in the header 'Authorization: Bearer <token>' "
                "(create one on your account page, /account/)."
            )
        },
        status=401,
    )


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    if hasattr(exc, "error_dict"):
        messages = [
            m if field == "__all__" else f"{field}: {m}"
            for field, field_messages in exc.message_dict.items()
            for m in field_messages
        ]
    else:
        messages = exc.messages
    return api.create_response(request, {"detail": messages}, status=422)


api.add_router("/", core_router)
api.add_router("/treaties", treaties_router)
