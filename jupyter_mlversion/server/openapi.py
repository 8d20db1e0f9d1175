"""The OpenAPI document kept beside this module, and request-body validation against it."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

from .errors import RequestError

DOCUMENT = Path(__file__).with_name("openapi.json")


@cache
def load_document() -> dict[str, Any]:
    """The document as stored in the package (parsed once)."""
    data: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return data


def document_for(api_url: str) -> dict[str, Any]:
    """The document with ``servers`` pointing at this server's API root (base_url included)."""
    doc = copy.deepcopy(load_document())
    doc["servers"] = [{"url": api_url.rstrip("/")}]
    return doc


@cache
def _validator(schema_name: str) -> Draft7Validator:
    schema = load_document()["components"]["schemas"][schema_name]
    return Draft7Validator(schema)


def validate_body(schema_name: str, body: Any) -> dict[str, Any]:
    """``body`` if it matches ``components/schemas/<schema_name>``, else RequestError."""
    errors = sorted(_validator(schema_name).iter_errors(body), key=lambda e: list(e.path))
    if errors:
        err = errors[0]
        where = "/".join(str(p) for p in err.path) or "body"
        message = err.message if len(err.message) <= 300 else err.message[:300] + "..."
        raise RequestError(f"invalid request body at '{where}': {message}")
    assert isinstance(body, dict)
    return body
