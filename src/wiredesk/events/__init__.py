"""Event extraction: who did what to whom, where and when, grouped across documents and outlets.

Pure code over plain data: ``DefaultEventExtractor.extract_many(docs)`` turns ``DocumentInput``s into
``Extraction``s (event and entity mentions); ``group_mentions`` turns mentions into ``Event``s. Storage of
the results is ``wiredesk.store``'s job, not this package's. See docs/events.md for the ontology, the
lexicons, how grouping works and the measured quality.
"""

from wiredesk.events.extract import EXTRACTION_VERSION, DefaultEventExtractor, EventExtractor
from wiredesk.events.group import GROUPING_VERSION, group_mentions
from wiredesk.events.model import (Actor, DateRef, DocumentInput, EntityMention, Event, EventMention, Extraction,
                                   InputParagraph, Place)

__all__ = [
    "EXTRACTION_VERSION", "GROUPING_VERSION", "DefaultEventExtractor", "EventExtractor", "group_mentions",
    "Actor", "DateRef", "DocumentInput", "EntityMention", "Event", "EventMention", "Extraction",
    "InputParagraph", "Place",
]
