"""Scans on a Dask cluster (a real LocalCluster of worker processes) keep the local pool's
guarantees: the same outcomes, a worker killed on a file costs only that file, a stuck file
times out, a cancel returns promptly, and the command line says what is wrong in a sentence."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import crashy
import numpy as np
import pytest

from ver_desktop.core.extract import Extracted, Failed, Outcome
from ver_desktop.core.pool import CRASH_REASON, WorkersFactory, extract_all, spawn_pool

pytest.importorskip("distributed")

from ver_desktop.core.cluster import Cluster, open_cluster


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """One cluster for the module: starting one costs seconds."""
    with open_cluster("local:2") as started:
        yield started


def wait_until(condition: Callable[[], bool], seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def outcomes(paths: list[Path], factory: WorkersFactory, **options: object) -> dict[str, Outcome]:
    results = extract_all([os.fspath(p) for p in paths], workers=2, cancelled=lambda: False,
                          factory=factory, **options)  # type: ignore[arg-type]
    return {os.path.basename(o.path): o for o in results}


def copies(media_files: dict[str, Path], folder: Path, names: list[str]) -> list[Path]:
    for name in names:
        shutil.copyfile(media_files["short.flac"], folder / name)
    return [folder / name for name in names]


def test_cluster_gives_the_local_pools_outcomes(cluster: Cluster,
                                                media_files: dict[str, Path]) -> None:
    names = ["music.mp4", "music.webm", "short.flac", "silent.mp4", "text.mp4",
             "truncated.mp4"]
    files = [media_files[n] for n in names]
    local = outcomes(files, factory=spawn_pool)
    remote = outcomes(files, factory=cluster.workers)
    assert set(remote) == set(local) == set(names)
    for name in names:
        here, there = local[name], remote[name]
        assert type(here) is type(there), name
        if isinstance(here, Extracted) and isinstance(there, Extracted):
            np.testing.assert_allclose(here.features, there.features, rtol=1e-5, atol=1e-6)
        else:
            assert isinstance(here, Failed) and isinstance(there, Failed)
            assert (here.kind, here.reason) == (there.kind, there.reason)


def test_worker_killed_on_a_file_costs_only_that_file(cluster: Cluster, tmp_path: Path,
                                                       media_files: dict[str, Path]) -> None:
    names = ["a.flac", "crash.flac", "b.flac", "c.flac", "d.flac"]
    found = outcomes(copies(media_files, tmp_path, names), cluster.workers,
                     task=crashy.extract_or_die)
    assert set(found) == set(names)
    crashed = found["crash.flac"]
    assert isinstance(crashed, Failed) and crashed.kind.value == "crashed"
    assert crashed.reason == CRASH_REASON
    assert all(isinstance(found[n], Extracted) for n in names if n != "crash.flac")


def test_hanging_file_times_out_and_the_rest_complete(cluster: Cluster, tmp_path: Path,
                                                      media_files: dict[str, Path]) -> None:
    names = ["a.flac", "hang.flac", "b.flac", "c.flac"]
    found = outcomes(copies(media_files, tmp_path, names), cluster.workers,
                     task=crashy.extract_or_die, stall_seconds=3.0)
    hung = found["hang.flac"]
    assert isinstance(hung, Failed) and hung.kind.value == "timed_out"
    assert all(isinstance(found[n], Extracted) for n in names if n != "hang.flac")
    wait_until(lambda: len(cluster.client.nthreads()) == 2)  # the stuck worker came back


def test_cancel_returns_promptly_and_cancels_the_tasks(cluster: Cluster, tmp_path: Path,
                                                       media_files: dict[str, Path]) -> None:
    paths = copies(media_files, tmp_path, [f"hang {i}.flac" for i in range(6)])
    client = cluster.client

    def running() -> bool:
        return any(client.processing().values())

    started = time.monotonic()
    results = list(extract_all([os.fspath(p) for p in paths], workers=2, cancelled=running,
                               factory=cluster.workers, task=crashy.extract_or_die))
    assert results == [] and time.monotonic() - started < 60
    wait_until(lambda: not running())  # the scheduler dropped them
    # the cancelled tasks still hold their threads: free the workers for later tests
    client.restart_workers(list(client.nthreads()), timeout=120)
    wait_until(lambda: len(client.nthreads()) == 2)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "ver_desktop", *args], capture_output=True,
                            text=True, check=False, env=os.environ.copy(), timeout=600)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_cli_scans_on_a_local_cluster(tmp_path: Path, media_files: dict[str, Path],
                                      data_dir: Path) -> None:
    folder = tmp_path / "videos"
    folder.mkdir()
    for name in ("music.mp4", "music.avi", "random.mkv"):
        shutil.copyfile(media_files[name], folder / name)
    scan = run("scan", "--cluster", "local:2", os.fspath(folder))
    assert scan.returncode == 0, scan.stderr
    assert "3 new" in scan.stdout and "2 analysed" in scan.stdout and "1 failed" in scan.stdout
    assert (data_dir / "library.sqlite3").is_file()
    listed = run("list", "--status", "ok").stdout
    assert "music.mp4" in listed and "music.avi" in listed


def test_cli_says_in_one_sentence_that_the_scheduler_is_unreachable(tmp_path: Path,
                                                                    data_dir: Path) -> None:
    scan = run("scan", "--cluster", "tcp://127.0.0.1:1", os.fspath(tmp_path))
    assert scan.returncode == 2
    message = scan.stderr.strip()
    assert message.startswith("ver-desktop: cannot reach the Dask scheduler at "
                              "tcp://127.0.0.1:1"), message
    assert len(message.splitlines()) == 1
