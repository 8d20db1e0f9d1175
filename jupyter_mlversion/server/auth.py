"""Read-only use of the Versions API on JupyterHub: an Authorizer honouring a custom hub scope.

Enable it in a single-user server's configuration::

    c.ServerApp.authorizer_class = "jupyter_mlversion.server.auth.HubScopeAuthorizer"

Every request to the Versions API that changes something (jupyter_server's ``write`` and
``execute`` actions on the ``mlversion`` resource: snapshot, restore, tag, alias, registry,
gc, verify, and any route added later) is then allowed only when the caller's hub token
carries ``custom:mlversion:write`` (unfiltered, or filtered to this server or its owner).
Reads (history, diffs, status) need only access to the server, which the hub already checked.
Other resources (files, kernels, terminals) are left as jupyter_server's default allows them.
Outside JupyterHub (no hub identity on the request) everything is allowed, as by default.
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_server.auth.authorizer import Authorizer

#: The hub scope that allows changes through the Versions API.
WRITE_SCOPE = "custom:mlversion:write"
#: The jupyter_server resource every handler of the extension is authorized against.
RESOURCE = "mlversion"


def _server_filter() -> str:
    """``!server=owner/name`` of this single-user server (from the spawner's environment)."""
    owner = os.environ.get("JUPYTERHUB_USER", "")
    return f"!server={owner}/{os.environ.get('JUPYTERHUB_SERVER_NAME', '')}"


def hub_scopes(user: Any) -> set[str] | None:
    """The scopes of the caller's hub token, or None when the request has no hub identity."""
    model = getattr(user, "hub_user", None)
    if not isinstance(model, dict):
        return None
    return set(model.get("scopes") or ())


def may_write(scopes: set[str]) -> bool:
    """Whether these hub scopes include the write scope for this server."""
    from jupyterhub.services.auth import check_scopes  # present: this is a hub server

    return bool(check_scopes({WRITE_SCOPE + _server_filter()}, scopes))


class HubScopeAuthorizer(Authorizer):
    """Versions API writes need ``custom:mlversion:write``; everything else as by default."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        if resource != RESOURCE or action == "read":
            return True
        scopes = hub_scopes(user)
        if scopes is None:
            return True  # not behind JupyterHub
        allowed = may_write(scopes)
        if not allowed:
            self.log.info(
                "mlversion: %s may only read here (no %s in the hub token)",
                getattr(user, "username", "?"),
                WRITE_SCOPE,
            )
        return allowed
