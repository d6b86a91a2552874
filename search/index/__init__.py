"""The index on disk: its schema and file format (``codec/``), building and updating it
(``build``, ``workers``), the folder it lives in (``store``: serving reads this, never the
build), what made it (``version``), its per-document columns and its statistics."""
