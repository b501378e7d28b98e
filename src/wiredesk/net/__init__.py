"""The network edge: the HTTP client (``http``: conditional GET, redirects, robots.txt, retries, politeness),
its hard limits (``limits``: bytes, decoded bytes, deadlines, per-host gates) and the address guard
(``guard``: no private, loopback or link-local address unless allowed). No database access.
"""
