"""Paragraph deduplication: exact links (``exact``); near and partial links arrive in their own modules."""
