"""Beyond one machine: an archive moved to OpenSearch, and kirinuki's queries in its language.

The top layer: it reads the index as the engine stores it (``index``), the query language
(``query``) and the request (``engine``), and writes what an OpenSearch cluster with the
analysis-sudachi plugin takes — index settings, mappings and bulk NDJSON (``opensearch``) —
and the query DSL of a search (``dsl``). Nothing here talks to a server: the files and the
request bodies are handed to one (README, "Beyond one machine").
"""

from .dsl import related, translate
from .opensearch import Exported, document, export, mappings, settings

__all__ = ["Exported", "document", "export", "mappings", "related", "settings", "translate"]
