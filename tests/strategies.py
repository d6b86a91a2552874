"""Hypothesis strategies shared by the property tests: what a hostile or careless user types."""

from __future__ import annotations

from hypothesis import strategies as st

# Pieces a hostile or careless user types, syntax first: glued together at random.
SYNTAX = ["(", ")", '"', "「", "」", "『", "』", "“", "”", "-", "OR", "AND", "NOT", "|", ":",
          "（", "）", "＂", "ＯＲ", "ＮＯＴ", "－", "：", "title:", "country:", "org:", "source:",
          "collection:", "date:", "見出し:", "国:", "foo:", "date:2024", "date:9999-12-31",
          "date:..", "date:2024..2023", "-(", "-\"", " ", "  ", "\u3000", "\t", "\n"]
WORDS = ["米国", "NATO", "イタリア", "空母", "防衛装備移転", "日米豪比", "の", "x", "ＮＡＴＯ",
         "共同訓練", "-イタリア", "米", "ﾃｽﾄ", "𠮷", "e\u0301"]
ODD = ["\x00", "\x1b", "\x7f", "\u200b", "\u200d", "\u200e", "\u200f", "\u202e", "\u2066",
       "\ufeff", "\ufffd", "\uffff", "\U0010ffff", "\ud800", "\udfff", "\udcff", "🇯🇵",
       "👨\u200d👩\u200d👧", "ﷺ", "㌀", "①", "½"]
ANY_CHAR = st.one_of(
    st.characters(),  # every code point Hypothesis draws by default (no surrogates) …
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, categories=["Cs"]),  # … + them
    st.characters(max_codepoint=0x7F),  # ASCII, where the syntax lives
)
PIECE = st.one_of(st.sampled_from(SYNTAX), st.sampled_from(WORDS), st.sampled_from(ODD),
                  st.text(ANY_CHAR, min_size=1, max_size=6))


@st.composite
def nested(draw) -> str:
    """Deep syntax: runs of brackets, negations, quotes and field prefixes, past the cap."""
    opener = draw(st.sampled_from(["(", "-", "NOT ", "-(", "（", '"', "「", "title:",
                                   "country:", "OR ", "AND ", "foo:", "－"]))
    depth = draw(st.integers(0, 400))
    closer = draw(st.sampled_from([")", "", "」", '"', "）", " OR"]))
    inner = draw(st.sampled_from(WORDS + [""]))
    return opener * depth + inner + closer * draw(st.integers(0, 400))


QUERIES = st.one_of(st.lists(PIECE, max_size=30).map("".join),
                    st.lists(PIECE, max_size=30).map(" ".join),
                    nested(), st.text(ANY_CHAR, max_size=200))
# What most users type: a few real words, now and then with OR, a negation or a filter.
TYPED = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS),
                           st.sampled_from(["OR", "-空母", '"共同訓練"', "country:米国",
                                            "date:2024", "(NATO OR EU)"])),
                 max_size=4).map(" ".join)
