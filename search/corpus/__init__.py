"""Reading clipping archives and documents into records: files, parsers, outlets, places."""
