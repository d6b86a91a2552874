"""Japanese text: SudachiPy fed one way, the analyzer that index and queries share,
marks in titles and snippets, display widths."""
