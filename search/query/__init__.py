"""What a query means: the query language (``syntax``, ``dates``), compiled into what the
engine runs (``compile`` → ``parsed``), what a word also searches (``expansion``,
``readings``, ``places``), corrections (``correction``, ``suggest``) and completions."""
