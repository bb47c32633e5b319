"""Every use of Whoosh's private names (Whoosh 2.7.4), behind small named functions.

The index goes beyond Whoosh's public API in two places. Writing: worker processes write
segments without the index's lock and the main writer publishes them with its own commit (what
Whoosh's multi-process writer does with its sub-writers' segments), with a codec that skips
per-block length statistics. Reading (index.evaluate): a term's postings are read a block at a
time into numpy, with BM25F's per-field B and Whoosh's one-byte field lengths. A Whoosh upgrade
is checked here; nothing else in the project touches a private name of Whoosh.
"""

from __future__ import annotations

import io
import pickle
import zlib
from array import array
from typing import Iterator

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3LeafMatcher, _lenfield
from whoosh.columns import NumericColumn, TranslatingColumnReader, VarBytesColumn
from whoosh.scoring import BM25F
from whoosh.system import _INT_SIZE, unpack_int
from whoosh.writing import SegmentWriter

# --- writing -------------------------------------------------------------------------------


def writer_codec() -> W3Codec:
    """Whoosh's codec without per-block document-length statistics: collecting them costs a
    file read per posting at commit (~20% of the writing time) and only tightens the score
    bounds Whoosh's own block-skipping uses (min length 0 is still a valid bound); BM25 reads
    the per-document lengths, which are written as before."""
    codec = W3Codec()
    codec.length_stats = False
    return codec


def unlocked_segment_writer(ix) -> SegmentWriter:
    """A writer of one new segment of ``ix`` that does not take the index's write lock (the
    process holding it publishes the segment, see commit_with_segments)."""
    return SegmentWriter(ix, _lk=False, codec=writer_codec())


def mark_document_added(writer: SegmentWriter) -> None:
    """Tell ``writer`` a document was added by hand (its postings put in its pool directly)."""
    writer._added = True


def finish_segment(writer: SegmentWriter, has_documents: bool):
    """Write the files of ``writer``'s segment and return it (None if it has no documents)."""
    return writer._finalize_segment() if has_documents else writer._close_segment()


def commit_with_segments(writer: SegmentWriter, extra: list) -> None:
    """Commit ``writer`` and publish the finished segments ``extra`` in the same new table of
    contents (what Whoosh's multi-process writer does with its sub-writers' segments)."""
    if not extra:
        writer.commit()
        return
    final = writer._merge_segments(None, None, None)  # Whoosh's default: merge small segments
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final + extra)
    writer._finish()


# --- reading -------------------------------------------------------------------------------


def field_length_column(reader, fieldname: str):
    """The column of one-byte lengths of ``fieldname`` in a segment reader (None if absent)."""
    return reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)


def _untranslated(column):
    """(Whoosh's translation of the stored values or None, the reader of the stored values)."""
    if isinstance(column, TranslatingColumnReader):
        return column._translate, column._reader
    return None, column


def column_values(column, doc_count: int) -> np.ndarray:
    """Every document's value in a segment's numeric column as one array, translated as Whoosh's
    reader translates them: read in one go from a fixed-width column, else document by document."""
    translate, stored_column = _untranslated(column)
    numeric = isinstance(stored_column, NumericColumn.Reader)
    dtype = np.dtype(">" + stored_column._typecode) if numeric else None  # Whoosh packs with "!": big-endian
    if dtype is None or stored_column._reverse or dtype.itemsize != stored_column._fixedlen:
        return np.array([column[n] for n in range(doc_count)], dtype=np.int64)
    stored = min(stored_column._count, doc_count)
    raw = np.frombuffer(stored_column._dbfile.get(stored_column._basepos, stored * stored_column._fixedlen),
                        dtype=dtype)
    values = np.full(doc_count, stored_column._default, dtype=dtype.newbyteorder("="))
    values[:stored] = raw
    if translate is None:
        return values
    unique, inverse = np.unique(values, return_inverse=True)  # few distinct values (dates, lengths)
    return np.asarray([translate(v) for v in unique.tolist()])[inverse]


def column_list(column, doc_count: int) -> list:
    """Every document's value in a segment's column (e.g. the article ids), translated as Whoosh's
    reader translates them: read in one go from a variable-width column, else document by document."""
    translate, stored_column = _untranslated(column)
    if not isinstance(stored_column, VarBytesColumn.Reader) or doc_count > len(stored_column._lengths):
        return [column[n] for n in range(doc_count)]
    lengths = stored_column._lengths
    offsets = stored_column._offsets
    end = max((offsets[n] + lengths[n] for n in range(doc_count)), default=0)
    blob = stored_column._dbfile.get(stored_column._basepos, end)
    values = [blob[offsets[n]:offsets[n] + lengths[n]] for n in range(doc_count)]
    return values if translate is None else [translate(v) for v in values]


def posting_blocks(matcher) -> Iterator[tuple[object, object]] | None:
    """The blocks of a term's postings as (id deltas, weights) arrays, or None when the matcher
    is not a plain block matcher of Whoosh's codec (read it posting by posting then). Each
    block's arrays are valid until the next block is read."""
    if not isinstance(matcher, W3LeafMatcher) or matcher._byteids:
        return None
    return _blocks(matcher)


def _blocks(m: W3LeafMatcher) -> Iterator[tuple[object, object]]:
    """The blocks as W3LeafMatcher._goto and _read_data/_read_weights decode them, but each block
    read in two reads of its file: Whoosh unpickles a block's header straight from the compound
    file, where every small read pickle asks for is a seek and a read (~20 per block; half of a
    broad search at 100k articles)."""
    postfile = m._postfile
    position = m._baseoffset
    while True:
        length = unpack_int(postfile.get(position, _INT_SIZE))[0]
        last = length < 0
        length = abs(length)
        block = postfile.get(position + _INT_SIZE, length)
        head = io.BytesIO(block)
        postcount, _maxid, _maxweight, compression, _mnlen, _mxlen = pickle.load(head)
        data = block[head.tell():]
        ids, weights = pickle.loads(zlib.decompress(data) if compression else data)[:2]
        if weights is None:
            weights = array("f", (1.0 for _ in range(postcount)))
        elif isinstance(weights, float):
            weights = array("f", (weights for _ in range(postcount)))
        yield ids, weights
        if last:
            break
        position += _INT_SIZE + length


def bm25_field_b(weighting: BM25F, fieldname: str) -> float:
    """BM25F's length normalisation B of ``fieldname`` (its per-field value, else the default)."""
    return weighting._field_B.get(fieldname, weighting.B)
