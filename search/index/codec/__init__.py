"""Whoosh's on-disk format, the one place that knows it (see write.py and read.py)."""
