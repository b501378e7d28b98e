"""The wiredesk error tree. Every error wiredesk raises on purpose derives from ``WiredeskError``.

    WiredeskError
    ├── ConfigError          invalid settings file, unknown key, bad value (names the key)
    ├── InputError           a path or item that cannot be ingested
    │   ├── MissingPathError a path given by the user does not exist
    │   └── BadInputError    one file/record is unreadable, empty, binary, too large, badly encoded
    ├── CleanError           the cleaner failed on an item (third-party errors are wrapped)
    ├── FetchError           one HTTP fetch failed: timeout, refused address, too large, bad status...
    ├── FeedError            one feed/sitemap/OPML document cannot be parsed (malformed, bomb, not a feed)
    └── StoreError           the database cannot be opened, migrated or written
        └── SchemaVersionError  the database was made by a newer wiredesk

Per-item errors (``BadInputError``, ``CleanError``, ``FetchError``, ``FeedError``) are *survivable*: the run records them in the
``failures`` table with their reason and goes on. The others stop the run with a one-line message.
"""


class WiredeskError(Exception):
    """Base class of every error wiredesk raises deliberately."""


class ConfigError(WiredeskError):
    """The configuration is invalid; the message names the key and the problem."""


class InputError(WiredeskError):
    """Something given as input cannot be ingested."""


class MissingPathError(InputError):
    """A path named on the command line or in config does not exist."""


class BadInputError(InputError):
    """One item (file or record) cannot be ingested: unreadable, empty, binary, too large, bad encoding."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        #: short machine-readable reason, e.g. ``empty``, ``binary``, ``too_large``, ``decode``
        self.reason = reason


class CleanError(WiredeskError):
    """The cleaner failed on an item."""


class FetchError(WiredeskError):
    """One HTTP fetch failed. ``reason`` is short and machine-readable (see ``wiredesk.http``).

    Reasons: ``timeout``, ``connect``, ``blocked_scheme``, ``blocked_address``, ``too_large``,
    ``too_large_decoded``, ``too_many_redirects``, ``content_type``, ``status``, ``robots``,
    ``decode``, ``protocol``.
    """

    def __init__(self, reason: str, message: str, *, status: int | None = None):
        super().__init__(message)
        self.reason = reason
        self.status = status


class FeedError(WiredeskError):
    """One feed, sitemap or OPML document cannot be used. ``reason``: ``malformed``, ``entities``,
    ``not_a_feed``, ``empty``, ``json``."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class StoreError(WiredeskError):
    """The database cannot be opened, migrated or written."""


class SchemaVersionError(StoreError):
    """The database schema is newer than this wiredesk knows; it is refused, never modified."""


#: Errors that cost one item, never the run.
SURVIVABLE_ERRORS = (BadInputError, CleanError, FetchError, FeedError)
