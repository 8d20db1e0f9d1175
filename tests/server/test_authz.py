"""With a valid token but no permission on resource ``mlversion``, every route answers 403."""

from __future__ import annotations

from typing import Any

import pytest
from jupyter_server.auth import Authorizer
from traitlets.config import Config

from .test_auth import OPERATIONS, fetch_status


class DenyMlversion(Authorizer):
    """Lets the user in everywhere except on the ``mlversion`` resource."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return resource != "mlversion"


@pytest.fixture
def jp_server_config(jp_server_config: Config) -> Config:
    # Module override: the same server, but an authorizer that denies the mlversion resource.
    jp_server_config.ServerApp.authorizer_class = DenyMlversion
    return jp_server_config


async def test_authorization_is_checked_on_every_route(
    http_server_client: Any, jp_base_url: str, jp_auth_header: dict, project: Any
) -> None:
    for method, url in OPERATIONS:
        status = await fetch_status(http_server_client, jp_base_url, method, url, jp_auth_header)
        assert status == 403, (method, url, status)
