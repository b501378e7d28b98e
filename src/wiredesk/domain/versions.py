"""Versions of the code that derives data. Bump a component's version when its output changes.

Every derived row records the version that made it, so users can tell rows made by different code apart
and ``reprocess`` (a later issue) can find what is stale.
"""

__version__ = "0.1.0"

#: Version of the pipeline as a whole, recorded on every run and document.
PIPELINE_VERSION = f"wiredesk/{__version__}"

#: Paragraph splitting and role classification (``wiredesk.clean``: paragraphs, textblocks, furniture and
#: its data file). 2: the whole trafilatura tree is read, captions come from the page's figures,
#: multilingual credits and furniture, link lists; documents get a detected language. 3: the lead printed
#: above the article (found by the page's description) is body; lone linked headlines, teaser excerpts and
#: date lines are boilerplate.
PARAGRAPHS_VERSION = "paragraphs/3"

#: Text normalization used for exact-duplicate hashing (``wiredesk.domain.normalize``).
NORMALIZE_VERSION = "normalize/1"

#: Exact-duplicate linking (``wiredesk.dedup``).
EXACT_DEDUP_VERSION = "exact/1"

#: Near and partial duplicate linking (``wiredesk.dedup.near``); the index keys carry their own
#: ``DedupSettings.signature_version``.
NEAR_DEDUP_VERSION = "near/1"

#: What a fetched page is: the article, or a consent wall, paywall stub, bot check or empty page
#: (``wiredesk.clean.access``). A failure recorded with another version is tried again.
ACCESS_VERSION = "access/1"
