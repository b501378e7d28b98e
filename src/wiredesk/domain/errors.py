"""The wiredesk error tree: every error wiredesk raises on purpose, all of them defined here.

    WiredeskError
    ├── ConfigError                 invalid settings file, unknown key, bad value (names the key)
    │   └── ModelNotAvailableError  events.backend = "spacy" but no spaCy model is installed
    ├── InputError                  a path or item that cannot be ingested
    │   ├── MissingPathError        a path given by the user does not exist
    │   └── BadInputError           one file/record is unreadable, empty, binary, too large, badly encoded
    ├── ItemError                   per-item errors, with a short ``reason`` (BadInputError too)
    │   ├── CleanError              the cleaner failed on an item (third-party errors are wrapped)
    │   ├── FetchError              one HTTP fetch failed: timeout, refused address, too large, bad status...
    │   └── FeedError               one feed/sitemap/OPML document cannot be used (malformed, bomb, not a feed)
    ├── StoreError                  the database cannot be opened, migrated or written
    │   ├── SchemaVersionError      the database was made by a newer (or another) wiredesk
    │   ├── RunLockedError          another run holds the database's run lock (the message names it)
    │   └── DatabaseBusyError       the file stayed held by another process too long
    ├── ReprocessError              a reprocess cannot start (unknown stage, no database), or a document has no raw bytes
    ├── SearchError                 a search cannot run: no index in the database, or nothing to search for
    └── ExportError                 an export cannot run: unknown table or format, bad manifest, another database's folder

Per-item errors (``BadInputError``, ``CleanError``, ``FetchError``, ``FeedError``) are *survivable*
(``SURVIVABLE_ERRORS``): the run records them in the ``failures`` table with their reason and goes on. The
others stop the command with a one-line message (exit status 2).

Not in the tree on purpose: ``wiredesk.ops.faults.InjectedFault``, the exception the fault-injection tests
raise inside stages; it stands for a bug, so it must travel the paths an unexpected exception travels.
"""


class WiredeskError(Exception):
    """Base class of every error wiredesk raises deliberately."""


class ConfigError(WiredeskError):
    """The configuration is invalid; the message names the key and the problem."""


class ModelNotAvailableError(ConfigError):
    """No spaCy model is installed (or spaCy itself is not); use the rules-only back-end or install one."""


class InputError(WiredeskError):
    """Something given as input cannot be ingested."""


class MissingPathError(InputError):
    """A path named on the command line or in config does not exist."""


class ItemError(WiredeskError):
    """Base of the per-item errors: they carry a short machine-readable ``reason``."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        #: short machine-readable reason, e.g. ``empty``, ``binary``, ``too_large``, ``no_text``
        self.reason = reason


class BadInputError(ItemError, InputError):
    """One item (file or record) cannot be ingested: unreadable, empty, binary, too large, bad encoding."""


class CleanError(ItemError):
    """The cleaner found no article in an item, or failed on it."""


class FetchError(ItemError):
    """One HTTP fetch failed. ``reason`` is short and machine-readable (see ``wiredesk.net.http``):
    ``timeout``, ``connect``, ``blocked_scheme``, ``blocked_address``, ``too_large``, ``too_large_decoded``,
    ``too_many_redirects``, ``content_type``, ``status``, ``robots``, ``decode``, ``protocol``, ``bad_url``,
    ``unexpected``.
    """

    def __init__(self, reason: str, message: str, *, status: int | None = None):
        super().__init__(reason, message)
        #: the HTTP status, for ``reason == "status"``
        self.status = status


class FeedError(ItemError):
    """One feed, sitemap or OPML document cannot be used. ``reason``: ``malformed``,
    ``entities``, ``not_a_feed``, ``empty``, ``json``, ``too_large``."""


class StoreError(WiredeskError):
    """The database cannot be opened, migrated or written."""


class SchemaVersionError(StoreError):
    """The database schema is newer than this wiredesk knows; it is refused, never modified."""


class RunLockedError(StoreError):
    """Another run holds the database's run lock; the message names it (pid, command, run, since)."""


class DatabaseBusyError(StoreError):
    """The database file stayed held by another process (a run's commit, or an open reader) too long."""


class ReprocessError(WiredeskError):
    """A reprocess that cannot start (unknown stage, nothing to read), or a document without raw bytes."""


class SearchError(WiredeskError):
    """A search cannot run: no index in this database, or a query with no searchable words."""


class ExportError(WiredeskError):
    """An export cannot run: unknown table or format, a bad manifest, or a destination holding another
    database's export."""


#: Errors that cost one item, never the run.
SURVIVABLE_ERRORS = (ItemError,)
