"""The use-cases the ``Repository`` facade composes: read, names, restore, maintenance.

Each service is handed the project's :class:`~jupyter_mlversion.core.parts.Parts` and the few
operations it needs from elsewhere as plain callables or as another service's public API, so
no service reaches into the facade or into another service's internals.
"""
