"""Work started early on a thread pool and collected by key, in whatever order it is asked for.

Why one piece: the reader starts a draft's pictures before it walks the text, and a backlog is
read with the next draft already under way. Both follow the same rule: work the pool has not
begun when it is asked for is done on the asking thread instead of waiting in the queue, so no
core idles while a caller waits; work nobody asks for is cancelled on `close`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Prefetch(Generic[K, V]):
    """`work(key)` started by `start`, its result taken by `take`.

    The pool is `pool` when given (shared, left running) or one of `workers` threads of its own
    (shut down by `close`). `work` must not raise for the caller to stay safe: `take` passes
    on whatever it raised.
    """

    def __init__(
        self,
        work: Callable[[K], V],
        pool: ThreadPoolExecutor | None = None,
        *,
        workers: int = 1,
        name: str = "prefetch",
    ) -> None:
        self._work = work
        self._own_pool = pool is None
        self._pool = pool or ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix=name)
        self._jobs: dict[K, Future[V]] = {}

    def start(self, key: K) -> None:
        if key not in self._jobs:
            self._jobs[key] = self._pool.submit(self._work, key)

    def take(self, key: K) -> V:
        """The result for `key`: done here if it was never started or has not begun, else awaited."""
        job = self._jobs.pop(key, None)
        if job is None or job.cancel():
            return self._work(key)
        return job.result()

    def take_all(self, keys: Sequence[K]) -> list[V]:
        """The results for `keys`, in their order; work for any other key is cancelled.

        Work the pool has not begun is done here first, the most recently queued first (the pool
        takes the oldest), and only then is work already running awaited."""
        self.keep_only(keys)
        done: dict[K, V] = {}
        for key in reversed(list(self._jobs)):
            if self._jobs[key].cancel():
                del self._jobs[key]
                done[key] = self._work(key)
        return [done[key] if key in done else self.take(key) for key in keys]

    def keep_only(self, keys: Collection[K]) -> None:
        """Cancel the work for every other key, so the pool spends no more time on it."""
        for key in [k for k in self._jobs if k not in keys]:
            self._jobs.pop(key).cancel()

    def close(self) -> None:
        self.keep_only(())
        if self._own_pool:
            self._pool.shutdown(wait=True)

    def __enter__(self) -> Prefetch[K, V]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
