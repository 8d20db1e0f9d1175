"""Every route of the OpenAPI document refuses requests without credentials or permission."""

from __future__ import annotations

import re
from typing import Any

import pytest
from jupyter_server.utils import url_path_join

from jupyter_mlversion.server.openapi import load_document
from jupyter_mlversion.server.routes import ROUTES

SAMPLE = {"ref": "HEAD", "name": "best", "number": "1", "job_id": "1-0123456789ab"}


def operations() -> list[tuple[str, str]]:
    """(method, concrete URL path under the API root) for every operation of the document."""
    found = []
    for template, item in load_document()["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m: SAMPLE[m.group(1)], template).lstrip("/")
        found.extend((method.upper(), url) for method in item)
    return found


OPERATIONS = operations()


async def fetch_status(client: Any, base_url: str, method: str, url: str, headers: dict) -> int:
    full = url_path_join(base_url, "mlversion", "api", url) + "?path=proj/notebooks/analysis.ipynb"
    body = b"{}" if method in ("POST", "PUT") else None
    response = await client.fetch(
        full,
        method=method,
        body=body,
        headers=headers,
        raise_error=False,
        allow_nonstandard_methods=True,
        follow_redirects=False,
    )
    return int(response.code)


def test_document_and_route_table_agree() -> None:
    """Each documented path has a route and each route is documented, method by method."""
    doc_paths = load_document()["paths"]
    assert len(doc_paths) == len(ROUTES)
    for template, item in doc_paths.items():
        concrete = re.sub(r"\{(\w+)\}", lambda m: SAMPLE[m.group(1)], template).lstrip("/")
        matches = [h for pattern, h in ROUTES if re.fullmatch(pattern, concrete)]
        assert len(matches) == 1, template
        handler = matches[0]
        implemented = {m for m in ("get", "post", "put", "delete", "patch") if m in vars(handler)}
        assert implemented == set(item), template


def test_every_handler_method_is_authenticated_and_authorized(jp_web_app: Any) -> None:
    """jupyter_server's own check (the one behind JupyterServerAuthWarning) finds nothing."""
    for pattern, handler in ROUTES:
        assert jp_web_app._check_handler_auth(pattern, handler) == [], pattern
        assert handler.auth_resource == "mlversion"


@pytest.mark.parametrize(("method", "url"), OPERATIONS)
async def test_refused_without_credentials(
    http_server_client: Any, jp_base_url: str, project: Any, method: str, url: str
) -> None:
    status = await fetch_status(http_server_client, jp_base_url, method, url, {})
    assert status == 403, (method, url, status)


async def test_refused_with_a_wrong_token(
    http_server_client: Any, jp_base_url: str, project: Any
) -> None:
    for method, url in OPERATIONS:
        headers = {"Authorization": "token not-the-token"}
        assert await fetch_status(http_server_client, jp_base_url, method, url, headers) == 403


async def test_the_token_opens_the_api(
    http_server_client: Any, jp_base_url: str, jp_auth_header: dict, project: Any
) -> None:
    """The same requests with the token reach the handlers (so the 403s above mean auth)."""
    for method, url in OPERATIONS:
        status = await fetch_status(http_server_client, jp_base_url, method, url, jp_auth_header)
        assert status != 403, (method, url)
