"""Exact behaviour of search.errors (written for mutation testing): the damaged-index
message, and the types front ends map to statuses and exit codes."""

from __future__ import annotations

from pathlib import Path

from search import errors


def test_a_damaged_index_names_its_folder_the_problem_and_the_remedy() -> None:
    """What the front ends show as it is."""
    exc = errors.IndexDamagedError(Path("/srv/index"), "seg_1.pst cut short")
    assert (exc.root, exc.problem) == (Path("/srv/index"), "seg_1.pst cut short")
    assert str(exc) == ("the index in /srv/index is damaged (seg_1.pst cut short): run "
                        "`python manage.py reindex` to build it again")
    assert exc.args == (str(exc),)


def test_the_hierarchy() -> None:
    """Front ends map these types to statuses and exit codes."""
    assert issubclass(errors.SearchError, ValueError)
    assert issubclass(errors.PageOutOfRange, errors.SearchError)
    assert not issubclass(errors.CorpusError, ValueError)
    for kind in (errors.IndexLockedError, errors.IndexMissingError, errors.IndexOutdatedError,
                 errors.IndexDamagedError):
        assert issubclass(kind, errors.IndexProblem)
