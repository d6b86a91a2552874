"""What a query means: the query language, what a word also searches, corrections, completions."""
