"""The one route table: every URL of the API, relative to ``{base_url}mlversion/api``."""

from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join

from .handlers.branches import BranchesHandler, BranchHandler, SwitchHandler
from .handlers.diff import DiffHandler, FileDiffHandler
from .handlers.jobs import JobHandler, JobsHandler
from .handlers.lineage import LineageGraphHandler, LineageHandler, ReproduceHandler
from .handlers.maintenance import GcHandler, VerifyHandler
from .handlers.merge import (
    MergeAbortHandler,
    MergeContinueHandler,
    MergeHandler,
    MergeNotebookHandler,
    MergePreviewHandler,
    MergeResolveHandler,
)
from .handlers.meta import OpenAPIHandler, PingHandler
from .handlers.names import AliasesHandler, TagHandler, TagsHandler, VersionsHandler
from .handlers.project import ProjectHandler, StatusHandler
from .handlers.registry import ModelsHandler, ModelStageHandler, RegistryHistoryHandler
from .handlers.remotes import (
    FetchHandler,
    PullHandler,
    PushHandler,
    RemoteHandler,
    RemotesHandler,
)
from .handlers.restore import RestoreCellHandler, RestorePathsHandler, RestoreSnapshotHandler
from .handlers.snapshots import SnapshotHandler, SnapshotsHandler

#: (pattern relative to the API root, handler). Patterns mirror the OpenAPI document's paths;
#: a test checks the two agree.
ROUTES: list[tuple[str, type[Any]]] = [
    ("ping", PingHandler),
    ("openapi.json", OpenAPIHandler),
    ("project", ProjectHandler),
    ("status", StatusHandler),
    ("snapshots", SnapshotsHandler),
    ("snapshots/(?P<ref>[^?#]+)", SnapshotHandler),
    ("diff", DiffHandler),
    ("diff/file", FileDiffHandler),
    ("restore/paths", RestorePathsHandler),
    ("restore/cell", RestoreCellHandler),
    ("restore/snapshot", RestoreSnapshotHandler),
    ("tags", TagsHandler),
    ("tags/(?P<name>[^/?#]+)", TagHandler),
    ("versions", VersionsHandler),
    ("aliases", AliasesHandler),
    ("models", ModelsHandler),
    ("models/(?P<name>[^/?#]+)/versions/(?P<number>[0-9]{1,9})/stage", ModelStageHandler),
    ("registry/history", RegistryHistoryHandler),
    ("lineage", LineageHandler),
    ("lineage/graph", LineageGraphHandler),
    ("reproduce", ReproduceHandler),
    ("verify", VerifyHandler),
    ("gc", GcHandler),
    ("branches", BranchesHandler),
    ("branches/(?P<name>[^?#]+)", BranchHandler),
    ("switch", SwitchHandler),
    ("merge", MergeHandler),
    ("merge/preview", MergePreviewHandler),
    ("merge/abort", MergeAbortHandler),
    ("merge/continue", MergeContinueHandler),
    ("merge/resolve", MergeResolveHandler),
    ("merge/notebook", MergeNotebookHandler),
    ("remotes", RemotesHandler),
    ("remotes/(?P<name>[A-Za-z0-9][A-Za-z0-9._-]{0,63})", RemoteHandler),
    ("push", PushHandler),
    ("pull", PullHandler),
    ("fetch", FetchHandler),
    ("jobs", JobsHandler),
    ("jobs/(?P<job_id>[^/?#]+)", JobHandler),
]


def route_table(api_url: str) -> list[tuple[str, type[Any]]]:
    """Absolute URL patterns for tornado: ``{base_url}mlversion/api/<pattern>``."""
    return [(url_path_join(api_url, pattern), handler) for pattern, handler in ROUTES]
