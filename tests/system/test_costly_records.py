"""What a record page costs is bounded by the limits, not by what a record holds: its related
articles come from the first ``related.KEY_CHARS`` characters of its text and its text is
marked in the first ``highlight.RECORD_MARKED_CHARS`` (a clipping of 100,000 characters took
0.8 s for each). Checked on a real index of five articles, one of them long:

    2501-010101  会談。 × 1,400 (4,200 characters), then 空母 潜水艦 … (the long one)
    2501-010201  空母と潜水艦の話 (twice)
    2501-010301  会談の話 (twice)
    2501-010401  空母と潜水艦
    2501-010501  会談
"""

from __future__ import annotations

import pytest

from search.engine import Engine
from search.engine.related import KEY_CHARS
from search.index.build import reindex
from search.text.highlight import RECORD_MARKED_CHARS

LEAD = "会談。" * 1400
TAIL = "空母と潜水艦が寄港した。" * 20
ARTICLES = [  # id, date, title, text
    ("2501-010101", "2025.01.01", "長い記事", LEAD + TAIL),
    ("2501-010201", "2025.01.02", "空母と潜水艦", "空母と潜水艦が寄港した。空母と潜水艦の話。"),
    ("2501-010301", "2025.01.03", "会談の話", "会談が開かれた。会談の話。"),
    ("2501-010401", "2025.01.04", "空母", "空母と潜水艦。"),
    ("2501-010501", "2025.01.05", "会談", "会談。"),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("costly-corpus")
    (corpus / "clippings-costly.txt").write_text(
        "長い記事を含む切り抜き\n\n" + "".join(
            f"{date}\n 10:00\n共同通信\n\n{title} <{rid}>\n {text}\n"
            for rid, date, title, text in ARTICLES), encoding="utf-8")
    root = tmp_path_factory.mktemp("costly-ix")
    assert reindex(root, corpus).records == len(ARTICLES)
    eng = Engine(root)
    yield eng
    eng.close()


def test_the_long_text_is_past_both_limits():
    assert len(LEAD) > KEY_CHARS
    assert len(LEAD + TAIL) < RECORD_MARKED_CHARS  # the whole text here is marked


def test_related_articles_come_from_the_start_of_a_long_text(engine):
    # 空母 and 潜水艦 stand only past the first KEY_CHARS characters: the related articles
    # are about 会談, as the start is, not about carriers
    related = [h.id for h in engine.record("2501-010101").related]
    assert related[:2] == ["2501-010301", "2501-010501"]
    assert "2501-010201" not in related and "2501-010401" not in related
    # a short record reads its whole text
    assert engine.record("2501-010401").related[0].id == "2501-010201"


def test_a_record_page_marks_its_text_up_to_the_limit(engine, monkeypatch):
    from search.text import highlight

    view = engine.record("2501-010101", q="空母")
    assert view.summary_html.count("<mark>空母</mark>") == 20  # all within the limit
    # with a limit that ends inside the tail, the matches after it are shown unmarked
    monkeypatch.setattr(highlight, "RECORD_MARKED_CHARS", len(LEAD) + 12 * 5)
    view = engine.record("2501-010101", q="空母")
    assert view.summary_html.count("<mark>空母</mark>") == 5
    assert view.summary_html.count("空母") == 20
    assert view.record.summary == LEAD + TAIL
