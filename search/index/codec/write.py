"""Whoosh's segment writer, with the postings kept per term and written a field at a time.

Whoosh's own ``SegmentWriter`` puts every posting of a segment into a pool as a 5-tuple,
sorts them all when the segment is finished, and hands them one by one to the postings
writer, which checks each and appends it to the block being filled (with the segment writer,
the largest part of a build when profiled: benchmarks/results/design-measurements.md). Here
each term keeps its postings in arrays as documents are added; a document's number only
grows, so they are in order already, and finishing the segment sorts the terms, not the
postings, and writes each field's terms and their blocks (``blocks.encode``'s data in
Whoosh's framing) as Whoosh's field writer would term by term, a field at a time
(``_write_terms``, ``_write_hashes``: the same bytes, tests/unit/test_write_terms.py). A
segment holds what Whoosh's own writer would put in it, posting for posting
(tests/system/test_writer.py). ``BlockPostingsWriter`` is the codec's postings writer for
Whoosh's own writers writing through kirinuki's codec.

Used for every write of a kirinuki index (``segments.new_writer``). Documents with a field
this does not handle (term vectors, a separate spelling field) go through Whoosh's own
``add_document``, into the same pool.
"""

from __future__ import annotations

import pickle
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from operator import sub

from whoosh import formats, writing
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3PostingsWriter, W3TermInfo
from whoosh.filedb.filetables import _lengths as _LENGTHS
from whoosh.filedb.filetables import _pointer as _POINTER
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import length_to_byte

from . import blocks

Item = tuple[str, bytes, int, float, bytes | None]  # Whoosh's pool item
# What a distinct term and a posting held by a segment writer cost in memory, about: 3,000
# to 9,000 synthetic records added 37 MB of RSS for 24,700 new terms and 671,000 postings
# (the arrays, the encoded positions of words seen twice or more, the tables' entries).
TERM_BYTES = 400
POSTING_BYTES = 40


class Postings:
    """One term's postings in one segment: document numbers, weights, encoded values."""

    __slots__ = ("docs", "weights", "values")

    def __init__(self) -> None:
        self.docs = array("I")
        self.weights = array("f")  # what W3PostingsWriter keeps: float32
        self.values: list[bytes] = []  # empty for formats without values (ID fields)


class TextPostings:
    """A Positions field's term's postings as ``add_document`` files them (``_add_text``):
    each posting's count of positions and its positions as Whoosh's deltas (the first
    position, then the steps), which is what ``blocks`` keeps of Whoosh's Positions values.
    Whoosh's pickled values are made only for a writer that asks (``values``); a build
    pickled one per posting and read it back when the segment was written."""

    __slots__ = ("docs", "weights", "counts", "deltas")

    def __init__(self) -> None:
        self.docs = array("I")
        self.weights = array("f")
        self.counts = array("I")
        self.deltas = array("I")

    @property
    def values(self) -> list[bytes]:
        """Whoosh's Positions values (``formats.Positions.encode``) of the postings."""
        found, at = [], 0
        for count in self.counts:
            found.append(pack_uint(count) + pickle.dumps(self.deltas[at:at + count].tolist(), 2))
            at += count
        return found


class TermPool:
    """Postings by field and term, in the order they were added.

    ``add_document`` files a text field's postings under the term as a string (its
    analyzer's, whose hash Python keeps), the rest go under the term's bytes, as Whoosh's
    pool items have them (``add``: merged segments, Whoosh's own ``add_document``). Both
    meet in ``field_terms`` when the segment is written: UTF-8 sorts as the code points
    do, so encoding a term once there changes no order. A term whose postings arrived out
    of document order is sorted then.
    """

    def __init__(self) -> None:
        self.fields: dict[str, defaultdict[bytes, Postings]] = {}
        self.texts: dict[str, defaultdict[str, TextPostings]] = {}
        self.unsorted: set[tuple[str, bytes]] = set()

    def terms(self, fieldname: str) -> defaultdict[bytes, Postings]:
        """The field's terms by bytes (a term not there yet is added when asked)."""
        found = self.fields.get(fieldname)
        if found is None:
            found = self.fields[fieldname] = defaultdict(Postings)
        return found

    def text_terms(self, fieldname: str) -> defaultdict[str, TextPostings]:
        """The field's terms by string (a term not there yet is added when asked)."""
        found = self.texts.get(fieldname)
        if found is None:
            found = self.texts[fieldname] = defaultdict(TextPostings)
        return found

    def add(self, item: Item) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        terms = self.terms(fieldname)
        p = terms.get(tbytes)
        if p is None:
            p = terms[tbytes] = Postings()
        elif p.docs[-1] >= docnum:
            self.unsorted.add((fieldname, tbytes))
        p.docs.append(docnum)
        p.weights.append(weight)
        if vbytes:
            p.values.append(vbytes)

    def fieldnames(self) -> list[str]:
        return sorted(set(self.fields) | set(self.texts))

    def field_terms(self, fieldname: str) -> dict[bytes, Postings]:
        """The field's terms by bytes, each with its postings in document order."""
        terms: dict[bytes, Postings] = dict(self.fields.get(fieldname, {}))
        unsorted = {tbytes for name, tbytes in self.unsorted if name == fieldname}
        for text, p in self.texts.get(fieldname, {}).items():
            tbytes = text.encode("utf-8")
            q = terms.get(tbytes)
            if q is None:
                terms[tbytes] = p
            else:  # the same term from both sides (an update merging a segment)
                joined = Postings()
                for part in (q, p):
                    joined.docs.extend(part.docs)
                    joined.weights.extend(part.weights)
                    joined.values.extend(part.values)
                terms[tbytes] = joined
                unsorted.add(tbytes)
        for tbytes in unsorted:
            terms[tbytes] = _in_document_order(terms[tbytes])
        return terms

    def iter_postings(self) -> Iterator[Item]:
        """Every posting as Whoosh's pool gives them: by field, term, then document."""
        for fieldname in self.fieldnames():
            terms = self.field_terms(fieldname)
            for tbytes in sorted(terms):
                p = terms[tbytes]
                values = p.values or [b""] * len(p.docs)
                for docnum, weight, vbytes in zip(p.docs, p.weights, values, strict=True):
                    yield fieldname, tbytes, docnum, weight, vbytes

    def cleanup(self) -> None:
        for terms in (*self.fields.values(), *self.texts.values()):
            terms.clear()  # writers hold on to them (their field plans)
        self.fields.clear()
        self.texts.clear()
        self.unsorted.clear()


def _in_document_order(p: Postings) -> Postings:
    order = sorted(range(len(p.docs)), key=p.docs.__getitem__)
    q = Postings()
    q.docs.extend(p.docs[i] for i in order)
    q.weights.extend(p.weights[i] for i in order)
    if p.values:
        q.values.extend(p.values[i] for i in order)
    return q


class BlockPostingsWriter(W3PostingsWriter):
    """Whoosh's postings writer, also taking a term's postings whole (``add_all``)."""

    def add_all(self, p: Postings) -> None:
        """Add a term's postings: the same blocks as ``add_posting`` for each would make.

        Whoosh writes a full block when the next posting arrives and leaves the last one,
        full or not, to ``finish_postings`` (which marks it the last).
        """
        limit = self._blocklimit
        n = len(p.docs)
        for start in range(0, n, limit):
            if self._ids:
                self._write_block()
            end = start + limit
            self._ids = p.docs[start:end]
            self._weights = weights = p.weights[start:end]
            if p.values:
                self._values = p.values[start:end]
            top = max(weights)
            self._maxweight = top if top > 0 else 0

    def _write_block(self, last: bool = False) -> None:
        """Whoosh's block (its length, then its pickled info tuple), with the data as
        ``blocks.encode`` writes it instead of a pickle (a term vector's: Whoosh's)."""
        if self._byteids:
            return super()._write_block(last)
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        self._postfile.write(_framed(
            self._ids, self._weights, self._mini_values(), self._compression,
            _positions(self._format), self._maxweight,
            (length_to_byte(self._minlength), length_to_byte(self._maxlength)), last))
        self._blockcount += 1
        self._new_block()


def _framed(ids, weights, values, level: int, positions: bool, top: float,
            lengths: tuple[int, int], last: bool) -> bytes:
    """One block as Whoosh frames it: its length (negative for a list's last block), its
    pickled info tuple (postings, last document, top weight, compression, the shortest and
    longest field length as bytes), then the data as ``blocks.encode`` writes it."""
    data = blocks.encode(ids, weights, values, level, positions)
    info = pickle.dumps((len(ids), ids[-1], top, level, *lengths), 2)
    size = len(info) + len(data)
    return pack_int(-size if last else size) + info + data


def _whooshs_positions(format_) -> bool:
    """Whether a field's values are exactly Whoosh's Positions values of its positions
    (the format's ``encode`` is Whoosh's, or says it gives the same bytes), so that they
    can be kept as counts and deltas (``TextPostings``) and never pickled."""
    return _positions(format_) and (type(format_).encode is formats.Positions.encode
                                    or getattr(format_, "encodes_as_whoosh", False))


def _positions(format_) -> bool:
    """Whether a field's values are Whoosh's Positions values (a count and a pickle of the
    deltas), which ``blocks`` keeps as arrays: not Characters' or PositionBoosts', which
    hold more."""
    return isinstance(format_, formats.Positions) \
        and not isinstance(format_, formats.Characters | formats.PositionBoosts)


def _remembered(work: Callable, limit: int = 4096) -> Callable:
    """``work`` remembering its answers by argument (at most ``limit``, then afresh)."""
    seen: dict = {}

    def remembered(value):
        try:
            found = seen.get(value)
        except TypeError:  # not hashable (a list of values)
            return work(value)
        if found is None:
            if len(seen) >= limit:
                seen.clear()
            found = seen[value] = work(value)
        return found

    return remembered


class _Tally:
    """A file being written that knows its position without asking the system.

    The postings and terms writers ask for it three times per term, and a buffered file's
    ``tell`` is a system call (an ``lseek``) each time (benchmarks/results/design-measurements.md).
    """

    def __init__(self, file) -> None:
        self._file = file
        self._pos = file.tell()

    def write(self, data) -> int:
        n = self._file.write(data)
        self._pos += n
        return n

    def tell(self) -> int:
        return self._pos

    def seek(self, *args) -> int:
        self._pos = self._file.seek(*args)
        return self._pos

    def __getattr__(self, name: str):
        return getattr(self._file, name)


@dataclass
class _FieldPlan:
    """How ``SegmentWriter.add_document`` indexes one field, worked out once per writer."""

    field: object
    terms: defaultdict[bytes, Postings]
    texts: defaultdict[str, TextPostings]
    index: Callable  # Whoosh's field.index, as a list
    # the analyzer's ``positions``, for a field whose values are Whoosh's Positions values
    # (``_whooshs_positions``): its postings are kept as counts and deltas (``_add_text``)
    gather: Callable[[str], dict[str, list[int]]] | None
    boost: float
    postings: int = 0  # how many this writer has added to the field (``held_bytes``)


class SegmentWriter(writing.SegmentWriter):
    """Whoosh's ``SegmentWriter`` with a ``TermPool`` (see the module's docstring)."""

    def __init__(self, ix, repeated: tuple[str, ...] = (), **kwargs) -> None:
        """``repeated``: fields whose values are few (outlets, dates, countries): each
        distinct value is analysed once per writer."""
        super().__init__(ix, **kwargs)
        self.pool = TermPool()
        self._repeated = frozenset(repeated)
        self._whoosh_only = any(f.vector or f.separate_spelling()
                                for _name, f in self.schema.items())
        self._plans: dict[str, _FieldPlan] = {}

    def add_document(self, **fields) -> None:
        """Whoosh's ``add_document``, the postings going straight to their terms."""
        if self._whoosh_only:
            return super().add_document(**fields)
        self._check_state()
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(self.schema, fieldnames)

        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                plan = self._plans.get(fieldname) or self._plan(fieldname)
                field = plan.field
                if plan.gather is not None and isinstance(value, str):
                    boost = plan.boost * self._field_boost(fields, fieldname, docboost)
                    length = _add_text(plan, value, docnum, boost)
                elif field.indexed:
                    boost = self._field_boost(fields, fieldname, docboost)
                    length = _add_terms(plan, value, docnum, boost)
                else:
                    length = 0
                stored = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, stored if field.stored else None,
                                       length)
                column = field.column_type
                if column and stored is not None:
                    perdocwriter.add_column_value(fieldname, column,
                                                  field.to_column_value(stored))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def term_docs(self, fieldname: str) -> dict[bytes, array]:
        """Each term of ``fieldname`` this writer holds, with its documents (this segment's
        numbers, ascending), before the segment is written: what a build's columns need of
        a facet's field (``columns.segment_facets``) without reading it back."""
        return {tbytes: p.docs for tbytes, p in self.pool.field_terms(fieldname).items()}

    def held_bytes(self) -> int:
        """About how much memory the postings held for this segment take (a build flushes
        the segment past its budget): a term and a posting at what they were measured to
        cost (benchmarks/results/design-measurements.md)."""
        terms = sum(len(plan.texts) + len(plan.terms) for plan in self._plans.values())
        postings = sum(plan.postings for plan in self._plans.values())
        return TERM_BYTES * terms + POSTING_BYTES * postings

    def _plan(self, fieldname: str) -> _FieldPlan:
        field = self.schema[fieldname]
        fmt = field.format
        gather = getattr(field.analyzer, "positions", None) if field.indexed else None
        index = field.index
        if fieldname in self._repeated:
            index = _remembered(lambda value: list(field.index(value)))
        plan = _FieldPlan(field, self.pool.terms(fieldname), self.pool.text_terms(fieldname),
                          index, None, 1.0)
        if gather is not None and _whooshs_positions(fmt):
            if fieldname in self._repeated:
                gather = _remembered(gather)
            plan.gather, plan.boost = gather, fmt.field_boost
        self._plans[fieldname] = plan
        return plan

    def _flush_segment(self) -> None:
        if self.codec.length_stats:
            return super()._flush_segment()  # Whoosh's way: it reads the lengths back
        self.perdocwriter.close()
        fw = self.fieldwriter
        fw._postfile.file = _Tally(fw._postfile.file)
        fw._tindex.dbfile.file = _Tally(fw._tindex.dbfile.file)
        fw._tindex._write_hashes = partial(_write_hashes, fw._tindex)
        pool = self.pool
        for fieldname in pool.fieldnames():
            terms = pool.field_terms(fieldname)
            if not terms or fieldname not in self.schema:
                continue
            fw.start_field(fieldname, self.schema[fieldname])
            _write_terms(fw, terms)
            fw.finish_field()
        fw.close()


# ``_write_terms`` hands its strings to the files when they reach this size: a few
# thousand terms' worth, the memory they take bounded at any archive's size
WRITE_BYTES = 1 << 20


def _write_terms(fw, terms: dict[bytes, Postings]) -> None:
    """A field's terms, in order, with their postings: the bytes Whoosh's field writer
    makes term by term (``start_term``, ``BlockPostingsWriter.add_all``, ``finish_term``;
    tests/unit/test_write_terms.py), made here into a string for each of the two files,
    written every ``WRITE_BYTES``.

    Term by term, Whoosh's writers make a term info and a block buffer, and write nine
    small strings: about half of finishing a segment, which a small archive's build
    pays once per term (8,161 terms for the bundled 384 records). No list is inlined in
    its term's entry (the codec's limit, ``segments.Codec``; ``read`` refuses one).
    """
    postwriter, tindex = fw._postwriter, fw._tindex
    limit, level = postwriter._blocklimit, postwriter._compression
    fmt = fw._format
    positions = _positions(fmt)
    fixed = fmt.fixed_value_size()
    postfile, tfile = fw._postfile, tindex.dbfile
    post_base, term_base = postfile.tell(), tfile.tell()
    posts, entries = bytearray(), bytearray()
    prefix = pack_ushort(fw._fieldid)
    hashfn, buckets, keypositions = tindex.hashfn, tindex.buckets, tindex.index
    keys = sorted(terms)
    if keys and prefix + keys[0] <= tindex.lastkey:
        raise ValueError(f"terms out of order: {tindex.lastkey!r}..{prefix + keys[0]!r}")
    # the postings come without field lengths: Whoosh's byte for "none" (and for 0)
    no_length = length_to_byte(None)
    for tbytes in keys:
        p = terms[tbytes]
        ids, weights = p.docs, p.weights
        kept = isinstance(p, TextPostings) and positions
        values = None if kept else p.values
        n = len(ids)
        start = post_base + len(posts)
        posts += WHOOSH3_HEADER_MAGIC
        total = 0
        maxweight = 0
        delta_at = 0  # the block's first delta (``TextPostings``)
        for first in range(0, n, limit):
            end = first + limit
            if n <= limit:  # one block (nearly every term): no copies
                block_ids, block_weights = ids, weights
            else:
                block_ids, block_weights = ids[first:end], weights[first:end]
            top = max(block_weights)
            top = top if top > 0 else 0
            total += sum(block_weights)
            maxweight = max(maxweight, top)
            if kept:
                counts = p.counts if n <= limit else p.counts[first:end]
                upto = delta_at + sum(counts)
                mini = blocks.Deltas(counts,
                                     p.deltas if n <= limit else p.deltas[delta_at:upto])
                delta_at = upto
            else:
                block_values = values[first:end]
                mini = (tuple(block_values) if fixed is None or fixed < 0
                        else None if fixed == 0 else b"".join(block_values))
            posts += _framed(block_ids, block_weights, mini, level, positions, top,
                             (no_length, no_length), end >= n)
        value = W3TermInfo._struct.pack(False, total, n, no_length, no_length, maxweight,
                                        ids[0], ids[-1]) \
            + pack_long(start) + pack_int(post_base + len(posts) - start)
        key = prefix + tbytes
        at = term_base + len(entries)
        keypositions.append(at)
        entries += _LENGTHS.pack(len(key), len(value))
        entries += key
        entries += value
        h = hashfn(key)
        buckets[h & 255].append((h, at))
        if len(posts) >= WRITE_BYTES:  # a field's postings can be hundreds of megabytes
            postfile.write(posts)
            post_base += len(posts)
            posts.clear()
        if len(entries) >= WRITE_BYTES:
            tfile.write(entries)
            term_base += len(entries)
            entries.clear()
    if keys:
        tindex.lastkey = prefix + keys[-1]
    postfile.write(posts)
    tfile.write(entries)


def _write_hashes(tindex) -> None:
    """``filetables.HashWriter._write_hashes``, each of its 256 tables written as one string
    rather than a write per slot (two slots a term)."""
    dbfile, pack, null = tindex.dbfile, _POINTER.pack, (0, 0)
    for entries in tindex.buckets:
        numslots = 2 * len(entries)
        tindex.directory.append((dbfile.tell(), numslots))
        table = [null] * numslots
        for hashval, position in entries:
            slot = (hashval >> 8) % numslots
            while table[slot] != null:
                slot = (slot + 1) % numslots
            table[slot] = (hashval, position)
        dbfile.write(b"".join([pack(h, p) for h, p in table]))


def _add_text(plan: _FieldPlan, value: str, docnum: int, boost: float) -> int:
    """A Positions field with kirinuki's analyzer: Whoosh's word_values and fields.index,
    inlined (see schema.Positions), each posting's positions kept as their count and
    deltas (``TextPostings``); the field's length for scoring."""
    texts = plan.texts
    length = 0
    found = plan.gather(value)
    plan.postings += len(found)
    for word, poslist in found.items():
        freq = len(poslist)
        length += freq
        p = texts[word]
        p.docs.append(docnum)
        p.weights.append(freq * boost)
        p.counts.append(freq)
        p.deltas.append(poslist[0])
        if freq > 1:
            p.deltas.extend(map(sub, poslist[1:], poslist))
    return length if plan.field.scorable else 0


def _add_terms(plan: _FieldPlan, value, docnum: int, boost: float) -> int:
    """Any other indexed field, through the field's own ``index``; its length."""
    terms, scorable = plan.terms, plan.field.scorable
    length = 0
    for tbytes, freq, weight, vbytes in plan.index(value):
        plan.postings += 1
        if scorable:
            length += freq
        p = terms[tbytes]
        p.docs.append(docnum)
        p.weights.append(weight * boost)
        if vbytes:
            p.values.append(vbytes)
    return length
