"""API output schemas that know their model's policy: restricted fields are absent.

Subclass ``PolicySchema`` and name the model::

    class AuthorityOut(PolicySchema):
        policy_model = Authority
        name: str
        contact_phone: str | None = None   # restricted in Authority's policy

A field the caller may not see is left out of the JSON (not sent as null), and the OpenAPI
document served to that caller does not list it (``openapi_for``); both follow the same
``Policy.hidden_fields``. Fields of the schema that the policy restricts are marked in the
JSON schema (``x-palermo-restricted``) so the document can be filtered per reader.
"""

from typing import Any, ClassVar

from django.contrib.auth.models import AnonymousUser
from ninja import Schema
from pydantic import SerializationInfo, model_serializer

from .policies import policy_for

MODEL_KEY = "x-palermo-model"
RESTRICTED_KEY = "x-palermo-restricted"


def _caller(info: SerializationInfo | None):
    request = (info.context or {}).get("request") if info is not None else None
    if request is None:
        return None
    auth = getattr(request, "auth", None)
    if auth is not None and hasattr(auth, "is_authenticated"):
        return auth
    return getattr(request, "user", None) or AnonymousUser()


class PolicySchema(Schema):
    policy_model: ClassVar[type | None] = None

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        # The serializer below returns a dict: document the fields, not "any object".
        schema = handler(_without_serializer(core_schema))
        target = handler.resolve_ref_schema(schema) if "$ref" in schema else schema
        if cls.policy_model is not None:
            target[MODEL_KEY] = cls.policy_model._meta.label
            restricted = set(policy_for(cls.policy_model).restricted_fields)
            for name, prop in target.get("properties", {}).items():
                if name in restricted:
                    prop[RESTRICTED_KEY] = True
        return schema

    @model_serializer(mode="wrap")
    def _without_hidden_fields(self, handler, info: SerializationInfo) -> dict[str, Any]:
        data = handler(self)
        model = type(self).policy_model
        if model is None or not isinstance(data, dict):
            return data
        user = _caller(info)
        if user is None:
            # Serialised outside a request: show only what the public may see.
            user = AnonymousUser()
        for name in policy_for(model).hidden_fields(user):
            data.pop(name, None)
        return data


def _without_serializer(core_schema):
    if not isinstance(core_schema, dict):
        return core_schema
    copy = {k: v for k, v in core_schema.items() if k != "serialization"}
    if (
        isinstance(copy.get("schema"), dict)
        and copy["schema"].get("type") == "model"
        or copy.get("type") == "function-wrap"
        and isinstance(copy.get("schema"), dict)
    ):
        copy["schema"] = _without_serializer(copy["schema"])
    return copy


def openapi_for(document: dict, user) -> dict:
    """The OpenAPI document as ``user`` may read it: restricted properties they may not see
    are removed from every schema (and from its ``required`` list)."""
    from django.apps import apps

    for schema in document.get("components", {}).get("schemas", {}).values():
        label = schema.get(MODEL_KEY)
        if not label:
            continue
        hidden = policy_for(apps.get_model(label)).hidden_fields(user)
        properties = schema.get("properties", {})
        for name in list(properties):
            if properties[name].get(RESTRICTED_KEY) and name in hidden:
                del properties[name]
        if "required" in schema:
            schema["required"] = [n for n in schema["required"] if n not in hidden]
    return document
