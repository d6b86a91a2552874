"""The errors a user can act on, from every layer, where any front end can import them.

Each message says what was wrong and what to do; the front ends show it as it is (the page,
the API's ``{"error": …}``, the command line), and map the type to a status or exit code.
"""

from __future__ import annotations

from pathlib import Path


class SearchError(ValueError):
    """A request the engine cannot answer as asked (a bad query, an unknown facet value, a
    page past the last); the message says what to change."""


class PageOutOfRange(SearchError):
    """A page past the last one of a search's results."""


class CorpusError(Exception):
    """The corpus cannot be read at all (no folder, no records); the message says what to
    put where."""


class CorpusChanged(CorpusError):
    """A corpus file's bytes changed between a build's reading it and its indexing it.

    Raised as ``CorpusChanged(message, file)``: both are its args, so that it crosses
    from a worker process to its parent whole."""

    def __str__(self) -> str:
        return self.args[0]

    @property
    def file(self) -> str:
        return self.args[1]


class IndexProblem(Exception):
    """A problem with the index that the user can act on; the message says how."""


class IndexLockedError(IndexProblem):
    pass


class IndexMissingError(IndexProblem):
    pass


class IndexOutdatedError(IndexProblem):
    """The index was built by another version of kirinuki: it must be rebuilt."""


class IndexDamagedError(IndexProblem):
    """Files of the index are missing, cut short or changed since it was built."""

    def __init__(self, root: Path, problem: str) -> None:
        self.root, self.problem = root, problem
        super().__init__(f"the index in {root} is damaged ({problem}): run "
                         "`python manage.py reindex` to build it again")
