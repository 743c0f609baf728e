"""Scan on a Dask cluster: the files are read on the cluster's workers, while inference and
the library writes stay in this process, as in a local scan.

`open_cluster("tcp://HOST:8786")` connects to a running `dask scheduler`;
`open_cluster("local:N")` starts N worker processes on this machine for the scan and stops
them after. Either gives a `Cluster` whose `workers` is a factory for `extract_all` and
`Scanner`, so a crash or a stall on the cluster is handled by the same code as in the local
pool (`ver_desktop.core.pool`).

The workers must be able to import ver_desktop (install `ver_desktop[server]` on them) and
must see the files at the same paths as this machine (a shared or network folder mounted at
the same place). `distributed` is imported only here, and only when a cluster is used, so
the app starts without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from ver_desktop.core.errors import AppError
from ver_desktop.core.extract import Outcome, quiet_worker_threads
from ver_desktop.core.pool import Task

if TYPE_CHECKING:
    from distributed import Client

CONNECT_SECONDS = 10.0  # a scheduler on the network answers well within this
CONNECT_SECONDS_ENV = "VER_DESKTOP_CLUSTER_TIMEOUT"  # seconds, instead of CONNECT_SECONDS
RESTART_SECONDS = 60.0  # a worker restart re-imports numpy, scipy and av
INSTALL_HINT = "install the server extra: pip install 'ver_desktop[server]'"


class ClusterError(AppError):
    """The cluster cannot be used; the message is one plain sentence for the user."""


class Cluster:
    """A connected client, and the local cluster behind it when we started one; closing it
    (or leaving its `with`) stops a local cluster's workers."""

    def __init__(self, client: Client, local: Any = None,
                 settings: contextlib.AbstractContextManager[Any] | None = None) -> None:
        self.client = client
        self.local = local
        self.settings = settings  # Dask settings the local cluster needs while it runs

    def threads(self) -> int:
        """How many tasks the cluster runs at once (at least 1, before workers join)."""
        return max(1, sum(self.client.nthreads().values()))

    def workers(self, count: int) -> DaskWorkers:
        """A `WorkersFactory` for `extract_all`: `count` only sizes the queue there."""
        return DaskWorkers(self.client)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing must not hide the scan's own outcome
            self.client.close()
        if self.local is not None:
            with contextlib.suppress(Exception):
                self.local.close()
        if self.settings is not None:
            self.settings.__exit__(None, None, None)
            self.settings = None

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_cluster(address: str) -> Cluster:
    """`local:N` starts N single-threaded worker processes here; anything else is the
    address of a running scheduler (tcp://HOST:8786). Raises ClusterError."""
    if address.startswith("local:"):
        return _start_local(_local_count(address))
    return _connect(address)


def dask_setup(worker: object) -> None:
    """Runs in each worker of a local cluster as it starts (its `preload`): Ctrl-C goes to
    the scan, which stops cleanly, so workers ignore it; and the decoding libraries load
    before work arrives, as in the local pool."""
    with contextlib.suppress(ValueError):  # only possible on the main thread
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    import ver_desktop.core.extract  # noqa: F401


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"scanning on a cluster needs Dask; {INSTALL_HINT}") from None
    return distributed


def _local_count(address: str) -> int:
    count = address.removeprefix("local:")
    if not count.isdigit() or int(count) < 1:
        raise ClusterError(f"{address} is not a number of workers; write it as local:4")
    return int(count)


def _connect(address: str) -> Cluster:
    distributed = _distributed()
    seconds = connect_seconds()
    try:
        # Dask's Client waits for ever on a server that accepts and never answers, and
        # one that failed to start prints its destructor's traceback later: it is made
        # only once the scheduler has answered.
        asyncio.run(_hello(distributed, address, seconds))
        client = distributed.Client(address, timeout=seconds, set_as_default=False)
    except TimeoutError:
        raise ClusterError(f"the Dask scheduler at {address} did not answer within "
                           f"{seconds:g} s; check that `dask scheduler` (and not another "
                           "program) runs there") from None
    except ValueError:  # an unknown scheme, a port that is no number
        raise ClusterError(f"{address} is not the address of a Dask scheduler; write it as "
                           "tcp://HOST:8786, or local:4 for 4 worker processes here") from None
    except (OSError, TypeError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({_first_line(exc)}); "
                           "check that `dask scheduler` runs there and the port is open") \
            from None
    _quiet_logs()
    return Cluster(client)


def connect_seconds() -> float:
    """How long a scheduler may take to answer: $VER_DESKTOP_CLUSTER_TIMEOUT, else
    CONNECT_SECONDS."""
    try:
        seconds = float(os.environ.get(CONNECT_SECONDS_ENV, ""))
    except ValueError:
        return CONNECT_SECONDS
    return seconds if 0 < seconds < float("inf") else CONNECT_SECONDS


async def _hello(distributed: Any, address: str, seconds: float) -> None:
    """Connect and shake hands with the scheduler, within `seconds` in all. Dask retries
    a refused connection for its timeout, and then says why: a little less than ours."""
    comm = await asyncio.wait_for(
        distributed.comm.connect(address, timeout=round(seconds * 0.8, 1)), seconds)
    await comm.close()


def _start_local(count: int) -> Cluster:
    """Like the local pool: a worker killed on a file fails that file at once (Dask would
    otherwise retry it on three more workers, each killed in turn). A worker gone for
    `lost-worker-timeout` loses its nanny, which is what restarts it: when that check fell
    in the middle of a restart (every stall restarts a worker), the cluster lost a worker
    for good, so it is made long."""
    distributed = _distributed()
    import dask

    quiet_worker_threads()
    _quiet_logs()
    settings = dask.config.set({"distributed.scheduler.allowed-failures": 0,
                                "distributed.deploy.lost-worker-timeout": "1 day"})
    try:
        local = distributed.LocalCluster(n_workers=count, threads_per_worker=1, processes=True,
                                         dashboard_address=None, preload=[__name__],
                                         silence_logs=logging.CRITICAL)
        client = distributed.Client(local, set_as_default=False)
        client.wait_for_workers(count)
    except BaseException:
        settings.__exit__(None, None, None)
        raise
    return Cluster(client, local, settings)


def _quiet_logs() -> None:
    """Dask logs each worker death and restart; the scan reports them as failed files."""
    logging.getLogger("distributed").setLevel(logging.CRITICAL)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip(".:")


class DaskWorkers:
    """`Workers` on a Dask cluster. A death shows as `KilledWorker` (after the scheduler's
    `allowed-failures` retries); a restart cancels what is in flight and restarts the
    workers still running it (a stuck task never gives its worker back)."""

    def __init__(self, client: Client) -> None:
        from distributed import KilledWorker

        self.client = client
        self.killed = KilledWorker
        self.lock = threading.Lock()
        self.running: dict[Future[Outcome], Any] = {}  # ours -> Dask's, until done

    def submit(self, task: Task, path: str) -> Future[Outcome]:
        ours: Future[Outcome] = Future()
        theirs = self.client.submit(task, path, pure=False)  # the same file twice is 2 tasks
        with self.lock:
            self.running[ours] = theirs
        theirs.add_done_callback(lambda done: self._hand_over(done, ours))
        return ours

    def _hand_over(self, theirs: Any, ours: Future[Outcome]) -> None:
        """Runs on Dask's callback thread; dropping `theirs` frees the result on the
        worker."""
        with self.lock:
            if self.running.pop(ours, None) is None:
                return  # cancelled by restart or close
        try:
            if theirs.status == "cancelled":
                ours.cancel()
                ours.set_running_or_notify_cancel()
            else:
                ours.set_result(theirs.result())
        except Exception as exc:
            ours.set_exception(exc)

    def died(self, exc: BaseException) -> bool:
        return isinstance(exc, self.killed)

    def restart(self) -> None:
        theirs = self._forget()
        keys = {future.key for future in theirs}
        busy = [worker for worker, running in self.client.processing().items()
                if keys.intersection(running)]
        self._cancel(theirs)
        if busy:
            # a worker may be gone by now (Dask then raises KeyError): what we wanted
            with contextlib.suppress(Exception):
                self.client.restart_workers(busy, timeout=RESTART_SECONDS,
                                            raise_for_error=False)

    def close(self, wait: bool) -> None:
        self._cancel(self._forget())

    def _forget(self) -> list[Any]:
        with self.lock:
            ours, theirs = list(self.running), list(self.running.values())
            self.running.clear()
        for future in ours:
            future.cancel()
        return theirs

    def _cancel(self, theirs: list[Any]) -> None:
        if theirs:
            with contextlib.suppress(Exception):  # a lost scheduler has nothing to cancel
                self.client.cancel(theirs, force=True)
