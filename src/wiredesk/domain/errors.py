"""The wiredesk error tree. Every error wiredesk raises on purpose derives from ``WiredeskError``.

    WiredeskError
    ├── ConfigError          invalid settings file, unknown key, bad value (names the key)
    │   └── ModelNotAvailableError  events.backend = "spacy" but no spaCy model is installed
    │                               (defined in wiredesk.events.nlp)
    ├── InputError           a path or item that cannot be ingested
    │   ├── MissingPathError a path given by the user does not exist
    │   └── BadInputError    one file/record is unreadable, empty, binary, too large, badly encoded
    ├── ItemError            per-item errors, with a short ``reason`` (BadInputError, CleanError)
    │   ├── CleanError       the cleaner failed on an item (third-party errors are wrapped)
    │   ├── FetchError       one HTTP fetch failed: timeout, refused address, too large, bad status...
    │   └── FeedError        one feed/sitemap/OPML document cannot be used (malformed, bomb, not a feed)
    └── StoreError           the database cannot be opened, migrated or written
        ├── SchemaVersionError  the database was made by a newer wiredesk
        ├── RunLockedError      another run holds the database (wiredesk.store.access; names it)
        └── DatabaseBusyError   the file stayed held by another process too long (wiredesk.store.access)

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
    """One HTTP fetch failed (issue 3). ``reason`` is short and machine-readable (see ``wiredesk.net.http``):
    ``timeout``, ``connect``, ``blocked_scheme``, ``blocked_address``, ``too_large``, ``too_large_decoded``,
    ``too_many_redirects``, ``content_type``, ``status``, ``robots``, ``decode``, ``protocol``, ``bad_url``,
    ``unexpected``.
    """

    def __init__(self, reason: str, message: str, *, status: int | None = None):
        super().__init__(reason, message)
        #: the HTTP status, for ``reason == "status"``
        self.status = status


class FeedError(ItemError):
    """One feed, sitemap or OPML document cannot be used (issue 3). ``reason``: ``malformed``,
    ``entities``, ``not_a_feed``, ``empty``, ``json``, ``too_large``."""


class StoreError(WiredeskError):
    """The database cannot be opened, migrated or written."""


class SchemaVersionError(StoreError):
    """The database schema is newer than this wiredesk knows; it is refused, never modified."""


#: Errors that cost one item, never the run.
SURVIVABLE_ERRORS = (ItemError,)
