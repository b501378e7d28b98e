"""The ``wiredesk`` command line: one module per command, the shared arguments (``args``), what is printed
(``output``: formatting only, no SQL) and the run report of the Prefect flow (``report``).

``main`` and ``build_parser`` (``wiredesk.cli.app``) are re-exported here on first use, not at import: the
flow imports ``output`` and ``report`` and should not build the whole command line to do so.
"""

__all__ = ["build_parser", "main"]


def __getattr__(name: str):
    if name in __all__:
        from wiredesk.cli import app  # lazy on purpose: see the module docstring

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
