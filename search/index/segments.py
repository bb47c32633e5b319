"""Index segments written by the worker processes of an update, without the index's write
lock: the main process publishes them with its commit (see writer.write_documents)."""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from whoosh.filedb.filestore import FileStorage

from briefing.search.index.schema import INDEX_NAME, IndexDoc, fields_of
from briefing.search.index.whoosh_private import finish_segment, mark_document_added, unlocked_segment_writer
from briefing.search.language.analysis import BodyTerms, Term, TextAnalyser

class WrittenDoc(NamedTuple):
    """An article a :class:`SegmentBuilder` already wrote: document ``docnum`` of segment
    ``segment``. The update keeps one per article until its commit, so it holds the id and a
    way to load the IndexDoc again (needed only if the segment was lost), not the document:
    at 100k articles the documents held made the main process grow past 1 GB."""

    id: str
    segment: str
    docnum: int
    load: Callable[[], IndexDoc]


class _MemoryPool:
    """Whoosh's posting pool for a :class:`SegmentBuilder`: postings kept per term in arrays
    and sorted once at the end. Whoosh's own pool sorts every posting and, past its memory
    limit, pickles sorted runs to temporary files that the commit merges back. Arrays hold no
    Python objects, so the garbage collector does not walk the postings."""

    def __init__(self) -> None:
        self._terms: dict[tuple[str, bytes], tuple[array, array, array]] = {}
        self._value_ids: dict[bytes | None, int] = {}  # value string -> index in _values
        self._values: list[bytes | None] = []
        self._count_ids: dict[int, int] = {}  # term count -> index of its packed value
        self.fieldnames: set[str] = set()

    def add(self, item) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        self._append(fieldname, tbytes, docnum, weight, self._value_id(vbytes))

    def add_field(self, fieldname: str, docnum: int, items) -> None:
        """The postings of one field of one document: (term bytes, freq, weight, value bytes)."""
        for tbytes, _freq, weight, vbytes in items:
            self._append(fieldname, tbytes, docnum, weight, self._value_id(vbytes))

    def add_counts(self, fieldname: str, docnum: int, counts: Counter, boost: float) -> None:
        """A Frequency-format field of one document from its term counts: what Whoosh's
        Frequency.word_values gives (weight count * boost, value the packed count)."""
        from whoosh.system import pack_uint

        for term, n in counts.items():
            value = self._count_ids.get(n)
            if value is None:
                value = self._count_ids[n] = self._value_id(pack_uint(n))
            self._append(fieldname, term.encode("utf-8"), docnum, n * boost, value)

    def _append(self, fieldname: str, tbytes: bytes, docnum: int, weight: float, value: int) -> None:
        entry = self._terms.get((fieldname, tbytes))
        if entry is None:
            entry = self._terms[(fieldname, tbytes)] = (array("I"), array("d"), array("I"))
            self.fieldnames.add(fieldname)
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(value)

    def _value_id(self, vbytes: bytes | None) -> int:
        """The index of ``vbytes`` in _values (one entry per distinct value string)."""
        value = self._value_ids.get(vbytes)
        if value is None:
            value = self._value_ids[vbytes] = len(self._values)
            self._values.append(vbytes)
        return value

    def iter_postings(self):
        terms, values = self._terms, self._values
        for key in sorted(terms):
            fieldname, tbytes = key
            docnums, weights, value_ids = terms[key]
            for i in range(len(docnums)):
                yield fieldname, tbytes, docnums[i], weights[i], values[value_ids[i]]

    def cleanup(self) -> None:
        self._terms, self._value_ids, self._values, self._count_ids = {}, {}, [], {}


def _add_analysed(writer, fields: dict, analysed: dict[str, Counter]) -> None:
    """Whoosh's SegmentWriter.add_document for a pool with ``add_field``, where the fields
    named in ``analysed`` (Frequency format) come as the counts of their analysed terms: their
    postings are made here in one pass instead of through Whoosh's token stream, term by term. Gives
    the same postings, lengths and stored values (tests/test_pipeline.py compares them)."""
    perdoc, schema, pool, docnum = writer.perdocwriter, writer.schema, writer.pool, writer.docnum
    perdoc.start_doc(docnum)
    for name in sorted(fields):
        value = fields[name]
        if value is None or name.startswith("_"):  # _stored_<name>: the stored value of <name>
            continue
        field = schema[name]
        length = 0
        if field.indexed:
            counts = analysed.get(name)
            if counts is not None:
                pool.add_counts(name, docnum, counts, field.format.field_boost)
                length = sum(counts.values())
            else:
                items = list(field.index(value))
                pool.add_field(name, docnum, items)
                length = sum(item[1] for item in items)
            if not field.scorable:
                length = 0
        perdoc.add_field(name, field, fields.get(f"_stored_{name}", value) if field.stored else None, length)
        if field.column_type:
            perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
    perdoc.finish_doc()
    mark_document_added(writer)
    writer.docnum += 1


# Documents a worker writes into one segment before it writes the segment's files and starts
# another: a worker's memory (its posting pool) stays that of this many documents instead of
# growing with the update (a 30k-article build peaked at 1.9 GB with workers).
FLUSH_DOCS = 4000


class SegmentBuilder:
    """Writes documents into new segments of the index in ``directory`` without taking the
    index's write lock: for the worker processes of an update whose main process holds it
    and publishes the finished segments (:class:`WrittenDoc`, ``ArticleIndex.update``). Every
    ``flush_docs`` documents a segment is finished and another begun. Readers see nothing until
    the main process publishes them; an abandoned segment's files go at Whoosh's next commit."""

    def __init__(self, directory: Path | str, analyser: TextAnalyser, flush_docs: int = 0):
        self._directory = str(directory)
        self.analyser = analyser
        self._flush_docs = flush_docs or FLUSH_DOCS
        self._finished: dict[str, object] = {}
        self._begin()

    def _begin(self) -> None:
        ix = FileStorage(self._directory, supports_mmap=False).open_index(indexname=INDEX_NAME)
        self._writer = unlocked_segment_writer(ix)
        self._writer.pool = _MemoryPool()
        self.name: str = self._writer.newsegment.segment_id()
        self.count = 0

    def add(self, doc: IndexDoc, title: list[Term], terms: BodyTerms | None = None) -> int:
        """Write ``doc``, given its title's index-mode terms and what the index keeps of its
        body (computed here if None); returns its document number in segment :attr:`name`."""
        if self.count >= self._flush_docs:
            self._finished[self.name] = self._close()
            self._begin()
        docnum = self._writer.docnum
        fields = fields_of(doc, self.analyser, title)
        if terms is None:
            terms = self.analyser.body_terms(doc.body)
        _add_analysed(self._writer, fields, {
            "body": terms.terms,
            "body_pairs": terms.pairs,
            "entities": Counter(fields["entities"]),  # terms already (see schema.entity_terms)
            "grams": Counter(fields["grams"]),  # terms already (surface.gram_terms)
        })
        self.count += 1
        return docnum

    def _close(self):
        writer = self._writer
        segment = finish_segment(writer, self.count > 0)
        writer.is_closed = True
        writer.pool = None  # its postings are written: free them now
        return segment

    def finish(self) -> dict[str, object]:
        """Write the last segment's files; returns every segment written, by name, to publish
        (an empty one is None). The temporary folder stays: it is shared with the main writer,
        whose commit removes it."""
        self._finished[self.name] = self._close()
        return dict(self._finished)
