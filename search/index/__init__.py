"""The index on disk: its schema, building and updating it, its columns and its file format."""
