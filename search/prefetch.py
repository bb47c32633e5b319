"""One step of an iterator run ahead in a thread."""

from __future__ import annotations


def prefetch(iterator, depth: int = 1):
    """Run ``iterator`` one step ahead in a thread (the next batch is analysed while Whoosh
    indexes this one); exceptions reach the consumer; an abandoned iterator is closed."""
    import queue
    import threading

    q: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def run():
        try:
            for item in iterator:
                if stop.is_set():
                    return
                q.put((item, None))
            q.put((done, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            q.put((done, exc))
        finally:
            close = getattr(iterator, "close", None)
            if close:
                close()  # a generator's clean-up (e.g. stopping worker processes) runs now

    worker = threading.Thread(target=run, name="briefing-analysis", daemon=True)
    worker.start()
    try:
        while True:
            item, exc = q.get()
            if exc is not None:
                raise exc
            if item is done:
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                q.get_nowait()
            except queue.Empty:
                worker.join(0.05)
