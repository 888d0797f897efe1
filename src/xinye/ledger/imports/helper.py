"""The helper process of large people sheets: it reads the file and checks and encrypts the rows
(`check.people_batches`) while the importing process looks them up in the ledger and writes them.

Started from a fork server that has imported only this module (and the Django-free modules it needs)."""

from __future__ import annotations

from collections.abc import Iterator

from xinye.ledger.imports.check import PeopleContext, people_batches
from xinye.ledger.imports.read import data_rows, missing_columns, read_header, read_rows

AHEAD = 8  # batches the helper may check ahead of the writer: smooths their speeds, bounds memory (~10 MiB)


def _helper(queue, path, ctx: PeopleContext) -> None:
    import itertools
    import resource

    try:
        rows = read_rows(path)
        head, header_index, colmap = read_header(rows, ctx.names)
        missing = missing_columns(ctx.rules, colmap)
        queue.put(("header", (header_index, colmap, missing)))
        if header_index >= 0 and not missing:
            ctx.colmap = colmap
            for batch in people_batches(data_rows(itertools.chain(head, rows), header_index), ctx):
                queue.put(("batch", batch))
        queue.put(("done", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    except BaseException as exc:  # noqa: BLE001 — everything goes back to the importing process
        try:
            queue.put(("error", exc))
        except Exception:  # noqa: BLE001 — an exception that cannot be pickled
            queue.put(("error", RuntimeError(repr(exc))))


def worker_batches(path, ctx: PeopleContext, stats: dict | None = None) -> Iterator[tuple]:
    """The file's header — (header index, column map, missing required keys) — then its `people_batches`,
    computed in a helper process and streamed back batch by batch (at most AHEAD batches in flight, so memory
    stays bounded whatever the file's size). `stats` receives the helper's peak RSS. The helper is started
    from a fork server that has imported only this module, never by forking the importing process (which holds
    database connections and perhaps threads); it is stopped if the caller stops early."""
    import multiprocessing
    import queue as queues

    mp = multiprocessing.get_context("forkserver")
    mp.set_forkserver_preload([__name__])
    channel = mp.Queue(maxsize=AHEAD)
    process = mp.Process(target=_helper, args=(channel, str(path), ctx), daemon=True)
    process.start()
    try:
        while True:
            try:
                what, payload = channel.get(timeout=1)
            except queues.Empty:
                if process.exitcode is None:
                    continue
                try:  # it may have put its last message just before it ended
                    what, payload = channel.get(timeout=1)
                except queues.Empty:
                    raise RuntimeError("导入辅助进程意外退出") from None
            if what in ("header", "batch"):
                yield payload
            elif what == "done":
                if stats is not None:
                    stats["helper_peak_rss_kib"] = payload
                return
            else:
                raise payload
    finally:
        if process.is_alive():
            process.terminate()
        process.join()
        channel.close()
