"""Remotes: a bucket or a shared folder that clones push to and pull from.

One fsspec URL per remote (``s3://bucket/prefix``, ``gs://``, ``az://``, ``file:///path`` or a
path). Its layout (see :mod:`.layout`): content-addressed objects, history as git bundles, and
one small ``refs.json`` that changes only by compare-and-swap. :class:`.service.Remotes` is the
use-case the :class:`~jupyter_mlversion.core.repository.Repository` facade delegates to.
"""
