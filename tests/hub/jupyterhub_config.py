"""JupyterHub configuration of the hub tests (read by ``jupyterhub -f``; values from the env).

Three people: alice and bob may write to the Versions API (``custom:mlversion:write``), carol
may only read it, in alice's server, which she can open. alice can open bob's server (as with
JupyterHub's sharing). Every single-user server runs jupyter_mlversion with the
``HubScopeAuthorizer``.
"""

# ruff: noqa: F821  (``c`` is given by JupyterHub's config loader)
import json
import os

from jupyterhub.auth import Authenticator
from jupyterhub.spawner import SimpleLocalProcessSpawner

env = os.environ.get
work = env("MLV_HUB_WORK", "")
PEOPLE = {
    "alice": {"name": "Alice Liddell", "email": "alice@example.org"},
    "bob": {"name": "Bob Dylan", "email": "bob@example.org"},
    "carol": {},  # an authenticator that gives no name nor email
}


class TeamAuthenticator(Authenticator):
    """Signs in the three people with one shared test password; gives name and email."""

    async def authenticate(self, handler, data):  # type: ignore[no-untyped-def]
        name = (data or {}).get("username", "")
        if name in PEOPLE and data.get("password") == env("MLV_HUB_PASSWORD"):
            return {"name": name, "user_info": PEOPLE[name] or None}
        return None


c.JupyterHub.authenticator_class = TeamAuthenticator
c.Authenticator.allowed_users = set(PEOPLE)
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(env("MLV_HUB_PORT", "0"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env("MLV_HUB_API_PORT", "0"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env('MLV_HUB_PROXY_API_PORT')}"
c.ConfigurableHTTPProxy.command = [env("MLV_HUB_CHP", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = f"sqlite:///{work}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{work}/cookie_secret"
c.JupyterHub.pid_file = f"{work}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

c.JupyterHub.spawner_class = SimpleLocalProcessSpawner
c.SimpleLocalProcessSpawner.home_dir_template = f"{work}/home/{{username}}"
c.Spawner.cmd = [env("MLV_HUB_PYTHON", "python"), "-m", "jupyterhub.singleuser"]
c.Spawner.args = ["--allow-root", f"--config={work}/singleuser_config.json"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.Spawner.environment = {
    "PYTHONPATH": env("MLV_HUB_PYTHONPATH", ""),
    "JUPYTER_CONFIG_DIR": f"{work}/jupyter-config",
    "JUPYTER_PATH": env("JUPYTER_PATH", ""),
    "GIT_CONFIG_GLOBAL": "/dev/null",  # authors must come from the hub, not root's git config
    # The team remote's endpoint and credentials (a deployment takes them from its secrets).
    **json.loads(env("MLV_HUB_SERVER_ENV", "{}")),
}
# The server's own token may read its owner's name and email (user_info): kernels ask for it.
c.Spawner.server_token_scopes = [
    "users:activity!user",
    "access:servers!server",
    "read:users:name!user",
]
# Browser sessions carry the custom scope too (tokens a user makes carry it by default).
c.Spawner.oauth_client_allowed_scopes = ["custom:mlversion:write"]

c.JupyterHub.custom_scopes = {
    "custom:mlversion:write": {"description": "Take, restore and name snapshots (mlversion)"},
}
c.JupyterHub.services = [{"name": "test-admin", "api_token": env("MLV_HUB_ADMIN_TOKEN")}]
c.JupyterHub.load_roles = [
    {
        "name": "test-admin",
        "scopes": ["admin:users", "admin:servers", "tokens", "read:users", "access:servers"],
        "services": ["test-admin"],
    },
    {"name": "mlversion-writers", "scopes": ["custom:mlversion:write"], "users": ["alice", "bob"]},
    {"name": "carol-opens-alice", "scopes": ["access:servers!server=alice/"], "users": ["carol"]},
    {"name": "alice-opens-bob", "scopes": ["access:servers!server=bob/"], "users": ["alice"]},
]
