"""Issue 20, the shared library's server and the Dask cluster: a scan after a server
outage, passwords kept out of files and output, addresses that are wrong or never answer.
A server of the module's own is stopped and started again here; the session's is left
alone."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pgserver import SETTINGS, PostgresServer
from sqlalchemy import create_engine, text

from ver_desktop.core.library import Library
from ver_desktop.core.scan import Scanner, ScanProgress, ScanSummary


@pytest.fixture(scope="module")
def own_server() -> Iterator[PostgresServer]:
    """A server this module may stop and start again."""
    with PostgresServer.start() as server:
        yield server


def stop(server: PostgresServer) -> None:
    """A clean stop (its committed claims kept), ending every connection."""
    server._run("pg_ctl", "-D", str(server.data), "-m", "fast", "-w", "stop")


def start(server: PostgresServer) -> None:
    """The server back on its port, as `PostgresServer.start` first started it."""
    options = " ".join(f"-c {s}" for s in SETTINGS)
    server._run("pg_ctl", "-D", str(server.data), "-l", str(server.folder / "log"), "-w",
                "-t", "120", "-o", f"-p {server.port} -k {server.folder} "
                f"-c listen_addresses=127.0.0.1 {options}", "start")


def videos(folder: Path, media_files: dict[str, Path], count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        shutil.copyfile(media_files["short.flac"], folder / f"{i}.flac")
    return folder


# -- 3: a scan after a server outage -------------------------------------------------------


def test_a_scan_after_a_server_restart_takes_the_files_the_failed_scan_held(
        own_server: PostgresServer, tmp_path: Path, media_files: dict[str, Path],
        classifier) -> None:  # type: ignore[no-untyped-def]
    """The window's scan failed while the server was down, so its claims stayed, with the
    window's own live pid: its next scan analysed nothing and said "nothing new"."""
    url = own_server.new_database("restart")
    folder = os.fspath(videos(tmp_path / "videos", media_files, 3))
    library = Library(url)

    def outage(_progress: ScanProgress) -> None:
        if (own_server.data / "postmaster.pid").exists():
            stop(own_server)

    try:
        with pytest.raises(Exception):  # noqa: B017 - whichever the driver raises
            Scanner(library, classifier, workers=1).scan([folder], progress=outage)
    finally:
        start(own_server)
    engine = create_engine(url)
    with engine.connect() as db:  # what the failed scan could not release
        left = db.execute(text("SELECT count(*) FROM claims WHERE pid = :pid"),
                          {"pid": os.getpid()}).scalar()
    engine.dispose()
    assert left  # (a batch written before the server went may have ended some)
    summary = Scanner(library, classifier, workers=1).scan([folder])
    assert (summary.analysed, summary.held_elsewhere) == (left, 0)
    library.close()


def test_a_summary_says_files_were_left_to_another_scan(
        capsys: pytest.CaptureFixture[str]) -> None:
    from ver_desktop.cli import _print_summary
    from ver_desktop.gui.main_window import scan_summary_text

    summary = ScanSummary(unchanged=0, held_elsewhere=49)
    words = scan_summary_text(summary)
    assert "49 files are being analysed by another scan" in words
    assert "nothing new" not in words
    _print_summary(summary, "the library")
    assert "49 files are being analysed by another scan" in capsys.readouterr().out


def test_a_summary_with_nothing_to_do_still_says_so() -> None:
    from ver_desktop.gui.main_window import scan_summary_text

    assert "nothing new (5 unchanged)" in scan_summary_text(ScanSummary(unchanged=5))
