"""A deterministic synthetic clipping archive of any size, made of the bundled corpus's material.

    python benchmarks/synth.py N OUTDIR [--seed 1] [--changed 0.01]

Parses the bundled corpus (``search.corpus.load_corpus``) and harvests its titles (Japanese
titles cut into their space-separated fragments, English titles whole), the sentences of every
summary and passage, the outlets as written in the archives (only spellings that
``data/outlets.toml`` knows, Yahoo headers left out), the times and the editor's notes. Then
N records are recombined with one seeded ``random.Random``: two or three title fragments from
different articles, one to six sentences in one to three paragraphs (digits in a third of the
sentences redrawn, so numbers vary as they do in real archives), a date spread over
2012-01-01 .. 2025-06-30, an id of the archives' shape (``2503-021012``: the month filed,
then month, day and a two-digit number) unique in the corpus, a time line on about 60 % of
the records, a ``(Yahoo)`` line on 40 %, a 【note】 on 2 %, and three layouts of the header
(date / time / outlet lines; date and outlet on one line; no time). The records are spread
over ``ceil(N / 5000)`` archive files, each newest first with the bundled archives' page
header, and 2 % of them are also copied, identically, into a second archive. A
``manifest.toml`` labels the files. The same N and seed always give the same bytes.

``--changed F`` gives the same corpus with the summaries of a fraction F of the records
(chosen with their own seeded generator) rewritten, each in as many lines as before: the
input of an ``update`` benchmark.

``OUTDIR/synth.json`` records the parameters (it is not a corpus file: only .txt/.md are).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from search.config import DEFAULT_CORPUS  # noqa: E402
from search.corpus import outlets  # noqa: E402
from search.corpus.clippings import clean_html  # noqa: E402
from search.corpus.loading import load_corpus  # noqa: E402

VERSION = 1  # bump when the output for the same parameters changes
PER_FILE = 5000
FIRST_DAY, LAST_DAY = date(2012, 1, 1), date(2025, 6, 30)
LABELS = ("その他諸国", "欧州", "日米", "日豪", "日英", "日比", "日印", "中国", "韓国", "ロシア",
          "台湾", "NATO", "ASEAN", "太平洋島嶼国", "中東", "アフリカ", "中南米", "装備移転",
          "OSA", "宇宙・サイバー")
HEADER = ["{title}", "", "   ", "年 月 日", "出   典", "標       題", "要             旨"]
_SENTENCE = re.compile(r"[^。]+。?")
_DIGITS = re.compile(r"\d+")


@dataclass
class Material:
    """What the bundled corpus gives to recombine."""

    fragments: list[str]  # Japanese title fragments
    english: list[str]  # English titles, whole
    sentences: list[str]
    outlets: list[str]  # as written, with repeats (so frequent ones stay frequent)
    times: list[str]
    notes: list[str]


@dataclass
class Synth:
    """One generated record and the archives it is in."""

    id: str
    day: date
    time: str | None
    outlet: str
    title: str
    paragraphs: list[str]
    marker: str | None  # "(Yahoo)", "インターネット" or None
    layout: int  # 0: date/time/outlet lines, 1: "date outlet" on one line, 2: no time line
    notes: list[str] = field(default_factory=list)
    files: list[int] = field(default_factory=list)


def _usable(text: str, shortest: int = 8) -> bool:
    """Text that reads back as itself: no id brackets, notes, HTML leftovers or outlet lines."""
    s = text.strip()
    return (len(s) >= shortest and not any(c in s for c in "<＜>＞【】")
            and clean_html(s) == s and not outlets.is_outlet_line(s))


@lru_cache(maxsize=1)
def harvest(folder: str = str(DEFAULT_CORPUS)) -> Material:
    corpus = load_corpus(folder, annotate=False)
    fragments: dict[str, None] = {}
    english: dict[str, None] = {}
    sentences: dict[str, None] = {}
    spelled: list[str] = []
    times: list[str] = []
    notes: dict[str, None] = {}
    for rec in corpus.records:
        for para in rec.summary.split("\n"):
            for s in _SENTENCE.findall(para):
                if _usable(s):
                    sentences[s.strip()] = None
        if rec.kind != "clipping":
            continue
        if rec.lang == "en":
            if _usable(rec.title):
                english[rec.title.strip()] = None
        else:
            for frag in rec.title.replace("\u3000", " ").split():
                if _usable(frag, shortest=2):
                    fragments[frag] = None
        raw = rec.source_raw.strip()
        if raw and not outlets.strip_yahoo(raw)[1] and outlets.canonical(raw) \
                and "\n" not in raw:
            spelled.append(raw)
        if rec.time:
            times.append(rec.time)
        for note in rec.notes:
            if note.startswith("【") and "\n" not in note and clean_html(note) == note:
                notes[note] = None
    return Material(list(fragments), list(english), list(sentences), spelled, times,
                    list(notes))


def _vary_digits(rng: random.Random, text: str) -> str:
    def redraw(m: re.Match[str]) -> str:
        digits = m.group(0)
        first = rng.randint(1, 9) if len(digits) > 1 else rng.randint(0, 9)
        return str(first) + "".join(str(rng.randint(0, 9)) for _ in digits[1:])
    return _DIGITS.sub(redraw, text)


def _summary(rng: random.Random, mat: Material, paragraphs: int | None = None) -> list[str]:
    count = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6))
    if paragraphs:
        count = max(count, paragraphs)
    picked = []
    for _ in range(count):
        s = rng.choice(mat.sentences)
        picked.append(_vary_digits(rng, s) if rng.random() < 0.33 else s)
    paras = paragraphs or rng.randint(1, min(3, count))
    cuts = sorted(rng.sample(range(1, count), paras - 1)) if paras > 1 else []
    bounds = [0, *cuts, count]
    return ["".join(picked[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


def _title(rng: random.Random, mat: Material) -> str:
    if mat.english and rng.random() < 0.08:
        return rng.choice(mat.english)
    parts = [rng.choice(mat.fragments) for _ in range(rng.choice((1, 2, 2, 2, 3)))]
    return " ".join(dict.fromkeys(parts))


def make_records(n: int, seed: int = 1, changed: float = 0.0,
                 material: Material | None = None) -> tuple[list[Synth], int]:
    """The N records (newest first) and the number of archive files they go to."""
    mat = material or harvest()
    rng = random.Random(seed)
    nfiles = max(1, math.ceil(n / PER_FILE))
    span = (LAST_DAY - FIRST_DAY).days
    used: dict[tuple[str, str], int] = {}
    records: list[Synth] = []
    for _ in range(n):
        day = FIRST_DAY + timedelta(days=rng.randrange(span + 1))
        lag = rng.choice((0, 0, 0, 1, 1, 2))
        while True:
            month = day.year * 12 + day.month - 1 + lag
            filed = f"{month // 12 % 100:02d}{month % 12 + 1:02d}"
            key = (filed, f"{day.month:02d}{day.day:02d}")
            number = used.get(key, 10)
            if number <= 99:
                break
            day += timedelta(days=1)  # that day is full: the next one
        used[key] = number + 1
        layout = rng.choices((0, 1, 2), weights=(60, 15, 25))[0]
        has_time = layout == 0 and bool(mat.times)
        marker_draw = rng.random()
        marker = ("(Yahoo)" if marker_draw < 0.40
                  else "インターネット" if marker_draw < 0.43 else None)
        if layout == 1:
            marker = None  # one-line headers never carry a marker in the archives
        rec = Synth(
            id=f"{key[0]}-{key[1]}{number:02d}",
            day=day,
            time=rng.choice(mat.times) if has_time else None,
            outlet=rng.choice(mat.outlets),
            title=_title(rng, mat),
            paragraphs=_summary(rng, mat),
            marker=marker,
            layout=layout,
            notes=[rng.choice(mat.notes)] if mat.notes and rng.random() < 0.02 else [],
        )
        first = rng.randrange(nfiles)
        rec.files = [first]
        if nfiles > 1 and rng.random() < 0.02:
            rec.files.append((first + rng.randrange(1, nfiles)) % nfiles)
        records.append(rec)
    if changed > 0:
        other = random.Random(f"changed-{seed}")
        for rec in other.sample(records, max(1, round(n * changed))):
            # as many lines as before: the records after it keep their line numbers
            rec.paragraphs = _summary(other, mat, len(rec.paragraphs))
    records.sort(key=lambda r: (r.day, r.time or "", r.id), reverse=True)
    return records, nfiles


def render(rec: Synth) -> list[str]:
    """The lines of one record in the archives' layout."""
    day = f"{rec.day.year}.{rec.day.month:02d}.{rec.day.day:02d}"
    if rec.layout == 1:
        lines = [f"{day} {rec.outlet}"]
    else:
        lines = [day]
        if rec.time:
            lines.append(f" {rec.time}")
        lines.append(rec.outlet)
    if rec.marker:
        lines += ["", rec.marker, ""]
    lines.append(f"{rec.title} <{rec.id}>")
    lines += [f" {p}" for p in rec.paragraphs]
    lines += rec.notes
    return lines


def file_names(nfiles: int) -> list[tuple[str, str]]:
    """(file name, label) of each archive."""
    out = []
    for k in range(nfiles):
        base = LABELS[k % len(LABELS)]
        label = base if k < len(LABELS) else f"{base} {k // len(LABELS) + 1}"
        out.append((f"clippings-synth-{k + 1:03d}.txt", label))
    return out


def generate(n: int, outdir: str | Path, seed: int = 1, changed: float = 0.0) -> dict:
    """Write the corpus into ``outdir`` (its old .txt files and manifest are replaced)."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("clippings-synth-*.txt"), out / "manifest.toml", out / "synth.json"]:
        old.unlink(missing_ok=True)
    records, nfiles = make_records(n, seed, changed)
    names = file_names(nfiles)
    manifest = ["# Synthetic clipping archives written by benchmarks/synth.py", ""]
    sizes = 0
    for k, (name, label) in enumerate(names):
        lines = [h.format(title=f"{label}との防衛協力に関する報道(合成)") for h in HEADER]
        for rec in records:
            if k in rec.files:
                lines += render(rec)
        data = "\n".join(lines) + "\n"
        (out / name).write_text(data, encoding="utf-8")
        sizes += len(data.encode("utf-8"))
        manifest += [f'["{name}"]', 'kind = "clippings"', f'label = "{label}"', ""]
    (out / "manifest.toml").write_text("\n".join(manifest), encoding="utf-8")
    info = {"version": VERSION, "n": n, "seed": seed, "changed": changed, "files": nfiles,
            "bytes": sizes, "shared": sum(1 for r in records if len(r.files) > 1)}
    (out / "synth.json").write_text(json.dumps(info) + "\n", encoding="utf-8")
    return info


def ensure(n: int, outdir: str | Path, seed: int = 1, changed: float = 0.0) -> dict:
    """``generate`` unless ``outdir`` already holds exactly this corpus (by synth.json)."""
    stamp = Path(outdir) / "synth.json"
    if stamp.exists():
        try:
            info = json.loads(stamp.read_text(encoding="utf-8"))
        except ValueError:
            info = {}
        if (info.get("version"), info.get("n"), info.get("seed"), info.get("changed")) == \
                (VERSION, n, seed, changed):
            return info
    return generate(n, outdir, seed, changed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("outdir")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--changed", type=float, default=0.0,
                        help="fraction of records whose summary is rewritten")
    args = parser.parse_args(argv)
    info = generate(args.n, args.outdir, args.seed, args.changed)
    print(f"{info['n']} records ({info['shared']} in two archives) in {info['files']} files, "
          f"{info['bytes'] / 1e6:.1f} MB, in {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
