"""Where articles come from: files on disk (``files``), the sources file (``config``), when each feed
source is due (``schedule``), the identity of feed entries (``entries``) and the feed formats themselves
(``feeds/``: RSS/Atom/RDF, JSON Feed, sitemaps, OPML, autodiscovery, the fetch-and-parse stage).

Nothing here touches the database: what is known arrives as data, what is new leaves as data.
"""
