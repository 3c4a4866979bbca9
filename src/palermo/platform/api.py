"""The API's shared mechanism: errors, pagination, identifiers and the OpenAPI document.

Every module's router plugs into ``PalermoAPI``; nothing here names a module. The contract a
caller can rely on, stated once:

- every answer under ``/api/`` is JSON, and every error is ``{"detail": str | list[str]}``
  (``ErrorOut``) with a sentence a person can act on; ``JsonErrorsMiddleware`` extends this to
  what Django itself answers there (unknown address, wrong method, server error);
- lists are paginated by ``Pagination`` (``?page=``, bounded, so no page number reaches the
  database as an out-of-range offset); path identifiers are bounded by ``RowId``;
- the OpenAPI document lists, for each operation, the 4xx answers it can give and whether it
  can be called without credentials.
"""

import contextvars
import json
from functools import wraps
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from ninja import Field, NinjaAPI, Path, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.pagination import PageNumberPagination
from ninja.schema import NinjaGenerateJsonSchema
from pydantic import BaseModel

API_PREFIX = "/api/"

SIGN_IN = (
    "Send an API token in the header 'Authorization: Bearer <token>' (create one on your "
    "account page, /account/), or sign in."
)


class ErrorOut(Schema):
    """Every error the API answers: what is wrong and what to do, or one line per problem."""

    detail: str | list[str]


# -- identifiers and pages -------------------------------------------------------------------

MAX_ID = 2**63 - 1  # the largest primary key the databases store (signed 64-bit)

RowId = Path[int, {"ge": 1, "le": MAX_ID, "description": "A record's number (a positive integer)."}]
"""A numeric path identifier: out-of-range numbers are a 422, never a database error."""

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 100


class Pagination(PageNumberPagination):
    """Page-number pagination with bounded numbers: ``page`` from 1 to ``MAX_PAGE``, ``page_size``
    from 1 to ``MAX_PAGE_SIZE``; a page past the last one is empty (``count`` says how many)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
        page_size: int | None = Field(
            None,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"Items per page (at most {MAX_PAGE_SIZE}); the endpoint's default if "
            "omitted.",
        )

    def __init__(self, page_size: int = 50, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)


# -- errors ----------------------------------------------------------------------------------


class Unauthenticated(AuthenticationError):
    """The request's credentials are missing or unusable; ``message`` says which and what to do."""

    def __init__(self, message: str = SIGN_IN, *, invalid_token: bool = False) -> None:
        super().__init__(status_code=401, message=message)
        self.invalid_token = invalid_token


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(
            403,
            "CSRF check failed: a signed-in browser session must send the CSRF token (the "
            "'csrftoken' cookie's value in the 'X-CSRFToken' header) with every change. Scripts "
            "should send an API token instead ('Authorization: Bearer <token>').",
        )


def _is_authenticated(request) -> bool:
    return bool(getattr(getattr(request, "auth", None), "is_authenticated", False))


def _where(loc) -> str:
    source, *field = [str(part) for part in loc]
    if source in {"body", "form", "file"} and len(field) > 1:
        field = field[1:]  # drop the handler's argument name: callers know only the JSON fields
    name = ".".join(field)
    if not name:
        return "request body" if source == "body" else source
    return {"query": "query parameter", "path": "path parameter", "header": "header"}.get(
        source, "field"
    ) + f" '{name}'"


def validation_messages(errors: list[dict]) -> list[str]:
    """ninja's (pydantic's) located errors as sentences: ``query parameter 'page': Input …``."""
    return [f"{_where(e.get('loc', ()))}: {e.get('msg', e)}" for e in errors]


NUL = "\x00"


def _nul_fields(value, where: tuple[str, ...]):
    if isinstance(value, str):
        if NUL in value:
            yield where
    elif isinstance(value, UploadedFile):
        yield from _nul_fields(value.name or "", (*where, "filename"))
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _nul_fields(getattr(value, name), (*where, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_fields(key, (*where, str(key)))
            yield from _nul_fields(item, (*where, str(key)))
    elif isinstance(value, list | tuple | set):
        for index, item in enumerate(value):
            yield from _nul_fields(item, (*where, str(index)))


def refuse_nul_characters(view_func):
    """Refuse text input holding the NUL character with a 422, as Django's form fields do:
    PostgreSQL cannot store it, and no person means it. Applied to every operation, after
    validation, so it sees exactly the parameters and fields the operation reads."""

    @wraps(view_func)
    def checked(request, **values):
        fields = {
            ".".join(where) or "input"
            for name, value in values.items()
            for where in _nul_fields(value, () if isinstance(value, BaseModel) else (name,))
        }
        if fields:
            raise DjangoValidationError(
                {field: ["Text may not contain the NUL character (U+0000)."] for field in fields}
            )
        return view_func(request, **values)

    return checked


_openapi_reader = contextvars.ContextVar("palermo_openapi_reader", default=None)


def openapi_reader(identify):
    """A ``docs_decorator``: the OpenAPI document is written for the caller ``identify(request)``
    names (a token's user, the signed-in person, or nobody), so it lists only the fields they
    may see."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                reader = identify(request)
            except Exception:  # a bad token: the public's document
                reader = None
            token = _openapi_reader.set(reader)
            try:
                return view(request, *args, **kwargs)
            finally:
                _openapi_reader.reset(token)

        return wrapped

    return decorator


class PalermoAPI(NinjaAPI):
    """NinjaAPI with Palermo's error contract and a truthful OpenAPI document."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_decorator(refuse_nul_characters)

    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()
        self.add_exception_handler(AuthenticationError, self._unauthenticated)
        self.add_exception_handler(PermissionDenied, self._permission_denied)
        self.add_exception_handler(DjangoValidationError, self._django_validation_error)
        self.add_exception_handler(NinjaValidationError, self._validation_error)
        self.add_exception_handler(Http404, self._not_found)

    def error(self, request, status: int, detail, **headers):
        response = self.create_response(request, {"detail": detail}, status=status)
        for name, value in headers.items():
            response[name.replace("_", "-")] = value
        return response

    def _unauthenticated(self, request, exc):
        message = exc.message if isinstance(exc, Unauthenticated) else SIGN_IN
        challenge = (
            'Bearer error="invalid_token"' if getattr(exc, "invalid_token", False) else "Bearer"
        )
        return self.error(request, 401, message, WWW_Authenticate=challenge)

    def _permission_denied(self, request, exc):
        message = str(exc) or "Your role does not allow this."
        if _is_authenticated(request):
            return self.error(request, 403, message)
        return self.error(request, 401, f"{message} {SIGN_IN}", WWW_Authenticate="Bearer")

    def _django_validation_error(self, request, exc):
        if hasattr(exc, "error_dict"):
            messages = [
                m if field == "__all__" else f"{field}: {m}"
                for field, field_messages in exc.message_dict.items()
                for m in field_messages
            ]
        else:
            messages = exc.messages
        return self.error(request, 422, messages)

    def _validation_error(self, request, exc):
        return self.error(request, 422, validation_messages(exc.errors))

    def _not_found(self, request, exc):
        return self.error(request, 404, str(exc) or "Nothing was found at this address.")

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        document = PalermoOpenAPISchema(api=self, path_prefix=path_prefix)
        # Restricted properties the reader may not see are not in their document.
        from django.contrib.auth.models import AnonymousUser

        from .schemas import openapi_for

        return openapi_for(document, _openapi_reader.get() or AnonymousUser())


# -- the OpenAPI document --------------------------------------------------------------------

ERROR_RESPONSES = {
    400: "The request body cannot be read (not valid JSON, or a malformed form).",
    401: "No usable credentials: the API token is missing, unknown or expired. `detail` says "
    "which.",
    403: "Your role does not allow this, or a signed-in session sent no CSRF token.",
    404: "No such record (`detail` names what was looked for).",
    422: "The input is not valid; `detail` lists what to correct.",
}


def allows_anonymous(auth) -> bool:
    """An auth callback that lets callers without credentials through (public reads)."""
    return getattr(auth, "allows_anonymous", False)


class PalermoOpenAPISchema(OpenAPISchema):
    """Adds to every operation the errors it can answer, and ``{}`` (no credentials) to the
    security of operations open to anonymous callers."""

    def operation_security(self, operation):
        security = super().operation_security(operation)
        if security is not None and any(allows_anonymous(a) for a in operation.auth_callbacks):
            security.append({})
        return security

    def responses(self, operation):
        result = super().responses(operation)
        for status in self.error_statuses(operation):
            if status not in result:
                result[status] = {
                    "description": ERROR_RESPONSES[status],
                    "content": {self.api.renderer.media_type: {"schema": self.error_schema()}},
                }
        return dict(sorted(result.items()))

    @staticmethod
    def error_statuses(operation) -> set[int]:
        sources = {model.__ninja_param_source__ for model in operation.models if model.model_fields}
        statuses = set()
        if operation.auth_callbacks:
            statuses |= {401, 403}
        if "path" in sources:
            statuses.add(404)
        if sources:
            statuses.add(422)
        if sources & {"body", "form", "file"}:
            statuses.add(400)
        return statuses

    def error_schema(self) -> dict:
        name = ErrorOut.__name__
        if name not in self.schemas:
            self.schemas[name] = ErrorOut.model_json_schema(
                ref_template=REF_TEMPLATE,
                schema_generator=NinjaGenerateJsonSchema,
                mode="serialization",
            )
        return {"$ref": REF_TEMPLATE.format(model=name)}


# -- what Django answers under /api/ ---------------------------------------------------------

JSON_ERRORS_MIDDLEWARE = "palermo.platform.api.JsonErrorsMiddleware"


class JsonErrorsMiddleware:
    """Under ``/api/``, turns Django's own error pages (unknown address, method not allowed, server
    error, bad request) into ``{"detail": ...}`` JSON with the same status and headers; the API's
    own JSON answers pass through untouched. Django has logged any server error already."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path_info.startswith(API_PREFIX)
            and response.status_code >= 400
            and not getattr(response, "streaming", False)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            response.content = json.dumps({"detail": self.detail(request, response)})
            response["Content-Type"] = "application/json; charset=utf-8"
        return response

    @staticmethod
    def detail(request, response) -> str:
        status = response.status_code
        if status == 404:
            return (
                f"There is no API endpoint at {request.path}; the endpoints are listed at "
                f"{API_PREFIX}docs."
            )
        if status == 405:
            return f"{request.method} is not allowed here; allowed: {response.get('Allow', '')}."
        if status >= 500:
            return (
                "Server error: the request could not be completed and has been logged for the "
                "site's administrators. Try again later."
            )
        try:
            return HTTPStatus(status).phrase + "."
        except ValueError:
            return "The request could not be completed."
