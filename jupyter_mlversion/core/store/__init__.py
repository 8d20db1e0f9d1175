"""Content-addressed object store: BLAKE3 ids, content-defined chunks, packs, verified reads.

Knows nothing of snapshots, git or Jupyter; :class:`ObjectStore` is the whole public surface.
"""

from .encoding import Manifest
from .objectstore import ObjectStore, Progress

__all__ = ["Manifest", "ObjectStore", "Progress"]
