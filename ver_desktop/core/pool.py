"""Run `extract` over many paths in worker processes, surviving workers that die or hang.

A worker killed by a signal (a decoder crash on a hostile file) breaks a
`ProcessPoolExecutor` and fails every task in flight. The tasks that were in flight become
suspects and run again one at a time in a fresh pool: the one that breaks a pool on its
own is recorded as crashed, the others complete normally. A pool in which nothing finishes
for `stall_seconds` (a decoder stuck on a file or a dead network drive) is killed and
handled the same way; a suspect that stalls on its own is recorded as timed out.

The loop that does this (`_Run`) talks to its workers through one small interface,
`Workers`: `LocalWorkers` wraps a local process pool, and `ver_desktop.core.cluster` has one
for a Dask cluster.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol, cast

from ver_desktop.core.errors import ErrorKind
from ver_desktop.core.extract import Failed, Outcome, extract, quiet_worker_threads

ExecutorFactory = Callable[[int], Executor]
CRASH_REASON = "the decoder crashed on this file (its worker process died)"
STALL_SECONDS = 120.0  # a file normally takes well under a second; see module docstring


def default_workers() -> int:
    return max(1, (os.cpu_count() or 2))


def spawn_pool(workers: int) -> Executor:
    """A process pool started with `spawn`: safe beside Qt and other threads. Its workers
    start (and import what they need) at once, while the caller does other work."""
    quiet_worker_threads()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_init, initargs=(os.getpid(),))
    with _workers_ignore_ctrl_c():
        for _ in range(workers):
            pool.submit(os.getpid)
    return pool


@contextlib.contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Workers started in here ignore SIGINT from their first instruction (an ignored signal
    stays ignored across exec), not only once `_worker_init` runs: a Ctrl-C while they import
    used to print their tracebacks. Only the main thread can change signal handling."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _worker_init(parent: int) -> None:
    """Ctrl-C goes to the parent, which stops the scan cleanly; workers must not die of it.
    A worker whose parent was killed outright exits instead of idling forever: the parent's
    pid comes from the parent itself, and the watch starts before the slow imports, so a
    parent killed while its workers start up is noticed too."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    import ver_desktop.core.extract  # noqa: F401  (numpy, scipy, av: load before work arrives)


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def run_inline(workers: int) -> Executor:
    """An executor that runs each task in the calling thread (tests, debugging)."""
    return _InlineExecutor()


class _InlineExecutor(Executor):
    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        future: Future[object] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


Task = Callable[[str], Outcome]


class Workers(Protocol):
    """Where the tasks of one `extract_all` run. Anything process-pool or cluster specific
    stays behind this, so the crash and stall handling is the same code everywhere."""

    def submit(self, task: Task, path: str) -> Future[Outcome]:
        """Start `task(path)` on a worker."""
        ...

    def died(self, exc: BaseException) -> bool:
        """Whether a task failed with `exc` because its worker died (not its own error)."""
        ...

    def restart(self) -> None:
        """After a death or a stall: drop every task in flight and get working workers."""
        ...

    def close(self, wait: bool) -> None:
        """Release the workers; `wait` False: do not wait for the tasks in flight."""
        ...


WorkersFactory = Callable[[int], "Executor | Workers"]  # an Executor gets LocalWorkers


class LocalWorkers:
    """A local executor (normally `spawn_pool`), made again by `factory` after a death."""

    def __init__(self, factory: ExecutorFactory, count: int,
                 executor: Executor | None = None) -> None:
        self.factory = factory
        self.count = count
        self.executor = executor or factory(count)

    def submit(self, task: Task, path: str) -> Future[Outcome]:
        return self.executor.submit(task, path)

    def died(self, exc: BaseException) -> bool:
        return isinstance(exc, BrokenProcessPool)

    def restart(self) -> None:
        _kill_workers(self.executor)  # a stalled pool's workers are alive but stuck
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self.factory(self.count)

    def close(self, wait: bool) -> None:
        self.executor.shutdown(wait=wait, cancel_futures=True)


def open_workers(factory: WorkersFactory, count: int) -> Workers:
    made = factory(count)
    if isinstance(made, Executor):
        return LocalWorkers(cast(ExecutorFactory, factory), count, made)
    return made


def extract_all(paths: Iterable[str], *, workers: int, cancelled: Callable[[], bool],
                factory: WorkersFactory = spawn_pool, task: Task = extract,
                stall_seconds: float = STALL_SECONDS) -> Iterator[Outcome]:
    """Yield one outcome per path, in completion order, until done or cancelled.
    `task` must be importable by name in a fresh process (spawn). `factory(workers)` gives
    an Executor (a local pool) or `Workers` (a cluster); `workers` is also how many tasks
    run at once, and twice that many are kept queued."""
    run = _Run(deque(paths), workers, open_workers(factory, workers), task, stall_seconds)
    try:
        while run.has_work() and not cancelled():
            run.fill()
            yield from run.collect()
    finally:
        # Waiting for idle workers is quick and avoids races at interpreter exit; on
        # cancel, do not wait for the files in progress.
        run.workers.close(wait=not run.has_work())


class _Run:
    def __init__(self, pending: deque[str], count: int, workers: Workers, task: Task,
                 stall_seconds: float) -> None:
        self.pending = pending
        self.task = task
        self.stall_seconds = stall_seconds
        self.last_progress = time.monotonic()
        self.suspects: deque[str] = deque()
        self.solo: str | None = None  # a suspect running alone
        self.count = count
        self.workers = workers
        self.in_flight: dict[Future[Outcome], str] = {}

    def has_work(self) -> bool:
        return bool(self.pending or self.suspects or self.in_flight)

    def fill(self) -> None:
        """Suspects run alone; otherwise keep two tasks per worker queued."""
        if self.suspects:
            if not self.in_flight:
                self.solo = self.suspects.popleft()
                self._submit(self.solo)
            return
        while self.pending and len(self.in_flight) < 2 * self.count:
            self._submit(self.pending.popleft())

    def _submit(self, path: str) -> None:
        self.in_flight[self.workers.submit(self.task, path)] = path

    def collect(self) -> Iterator[Outcome]:
        done, _ = wait(list(self.in_flight), timeout=0.2, return_when=FIRST_COMPLETED)
        broken: list[str] = []
        for future in done:
            path = self.in_flight.pop(future)
            try:
                yield future.result()
            except Exception as exc:
                if self.workers.died(exc):
                    broken.append(path)
                else:  # the result could not come back (pickling, ...)
                    yield Failed(path, ErrorKind.INTERNAL, f"the worker failed: {exc!r}")
        if broken:
            yield from self._restart(broken, ErrorKind.CRASHED, CRASH_REASON)
        elif done:
            self.solo = None
            self.last_progress = time.monotonic()
        elif self.in_flight and time.monotonic() - self.last_progress > self.stall_seconds:
            reason = f"reading the file took over {self.stall_seconds:.0f} s; stopped"
            yield from self._restart([], ErrorKind.TIMED_OUT, reason)

    def _restart(self, broken: list[str], kind: ErrorKind, reason: str) -> Iterator[Outcome]:
        """The workers are gone or stuck: blame the file if it ran alone, else retry
        everyone alone."""
        broken.extend(self.in_flight.values())
        self.in_flight.clear()
        self.workers.restart()
        self.last_progress = time.monotonic()
        if self.solo is not None and broken == [self.solo]:
            yield Failed(self.solo, kind, reason)
        else:
            self.suspects.extend(p for p in broken if p not in self.suspects)
        self.solo = None


def _kill_workers(executor: Executor) -> None:
    """Kill a process pool's workers (stuck in native code, they ignore anything gentler)."""
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, ValueError):
            process.kill()
