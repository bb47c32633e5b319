"""Writing an update into the article index: documents analysed a batch ahead on a thread,
worker segments published with the commit (see article_index.ArticleIndex.update)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, Sized

from whoosh import index as windex

from briefing.search.errors import IndexBusy
from briefing.search.index.schema import IndexDoc, fields_of
from briefing.search.index.segments import WrittenDoc
from briefing.search.model import Progress
from briefing.search.index.whoosh_private import commit_with_segments, writer_codec
from briefing.search.language.analysis import BodyTerms, Term, TextAnalyser

BATCH_SIZE = 64  # documents analysed per parallel Kiwi call (their titles)
LOCK_TIMEOUT_S = 0.5



def write_documents(ix, directory: Path, analyser: TextAnalyser, docs: Iterable[IndexDoc | PretokenizedDoc],
                    remove_ids: Iterable[str] = (), progress: Progress | None = None, total: int | None = None,
                    existing: set[str] | None = None,
                    written_segments: Callable[[], dict[str, object]] | None = None) -> None:
    """Add or replace ``docs`` in the Whoosh index ``ix`` (in ``directory``) and delete
    ``remove_ids``, committing once (see ArticleIndex.update)."""
    try:
        writer = ix.writer(timeout=LOCK_TIMEOUT_S, limitmb=256, codec=writer_codec())
    except windex.LockError:
        raise IndexBusy(f"another process is updating the index in {directory}; try again when it is done") from None
    if total is None:
        total = len(docs) if isinstance(docs, Sized) else 0
    done = 0
    written: list[WrittenDoc] = []
    try:
        for rid in remove_ids:
            writer.delete_by_term("id", rid)
        # Kiwi analyses batch k+1 on its worker threads while Whoosh indexes batch k.
        with ThreadPoolExecutor(max_workers=1) as pool:
            batches = _batched(docs, BATCH_SIZE)
            batch = next(batches, None)
            pending = pool.submit(_pretokenized_docs, batch, analyser) if batch else None
            while batch and pending is not None:
                batch = pending.result()
                following = next(batches, None)
                pending = pool.submit(_pretokenized_docs, following, analyser) if following else None
                for item in batch:
                    if isinstance(item, WrittenDoc):
                        if existing is None or item.id in existing:
                            writer.delete_by_term("id", item.id)  # an old copy, in a committed segment
                        written.append(item)
                    else:
                        _add(writer, item, existing, analyser)
                    done += 1
                    if progress:
                        progress(done, total, item.id if isinstance(item, WrittenDoc) else item.doc.id)
                batch = following
        segments = _take_written(writer, written, written_segments, existing, analyser)
        commit_with_segments(writer, segments)
    except BaseException:
        writer.cancel()
        raise


def _add(writer, item: "PretokenizedDoc", existing: set[str] | None, analyser: TextAnalyser) -> None:
    """Add ``item.doc``, replacing an indexed copy unless its id is known to be new. The body's
    terms are ``item.terms`` (TextAnalyser.body_terms of it, computed here if None); Whoosh
    indexes a list of terms as given and stores the body text."""
    doc = item.doc
    fields = fields_of(doc, analyser, item.title)
    terms = item.terms if item.terms is not None else analyser.body_terms(doc.body)
    fields.update(body=list(terms.terms.elements()), _stored_body=fields["body"],
                  body_pairs=list(terms.pairs.elements()))
    if existing is None or doc.id in existing:
        writer.update_document(**fields)
    else:
        writer.add_document(**fields)


def _take_written(writer, written: list["WrittenDoc"], segments: Callable[[], dict[str, object]] | None,
                  existing: set[str] | None, analyser: TextAnalyser) -> list:
    """The worker segments holding ``written``; documents whose segment is missing (its
    worker failed before finishing it) are analysed and added by ``writer`` instead."""
    found = dict(segments()) if (written and segments is not None) else {}
    redo = [item.load() for item in written if found.get(item.segment) is None]
    for batch in _batched(redo, BATCH_SIZE):
        for item in _pretokenized_docs(batch, analyser):
            _add(writer, item, existing, analyser)
    return [s for s in found.values() if s is not None]


class PretokenizedDoc(NamedTuple):
    """An IndexDoc with its analysis: the index-mode terms of its title and what the index keeps
    of its body (``terms``: TextAnalyser.body_terms; computed when the doc is added if None),
    e.g. made in a worker process."""

    doc: IndexDoc
    title: list[Term]
    terms: BodyTerms | None = None


def _batched(docs: Iterable, size: int):
    batch: list = []
    for d in docs:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _pretokenized_docs(batch: list, analyser: TextAnalyser) -> list:
    """``batch`` with every plain IndexDoc made a PretokenizedDoc (its title analysed in one
    parallel Kiwi call for the batch, its body window by window) and every PretokenizedDoc
    given its body's terms if it came without."""
    plain = [item for item in batch if not isinstance(item, (PretokenizedDoc, WrittenDoc))]
    titles = iter(analyser.analyse_many([d.title for d in plain]) if plain else [])
    out: list[PretokenizedDoc | WrittenDoc] = []
    for item in batch:
        if isinstance(item, WrittenDoc):
            out.append(item)
            continue
        if not isinstance(item, PretokenizedDoc):
            item = PretokenizedDoc(item, analyser.analyze(item.title, "index", next(titles)))
        if item.terms is None:
            item = item._replace(terms=analyser.body_terms(item.doc.body))
        out.append(item)
    return out
