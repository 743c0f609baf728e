"""Issue 20, the shared library's server and the Dask cluster: a scan after a server
outage, passwords kept out of files and output, addresses that are wrong or never answer.
A server of the module's own is stopped and started again here; the session's is left
alone."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
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
    from ver_desktop.cli.scan import print_summary
    from ver_desktop.gui.main_window import scan_summary_text

    summary = ScanSummary(unchanged=0, held_elsewhere=49)
    words = scan_summary_text(summary)
    assert "49 files are being analysed by another scan" in words
    assert "nothing new" not in words
    print_summary(summary, "the library")
    assert "49 files are being analysed by another scan" in capsys.readouterr().out


def test_a_summary_with_nothing_to_do_still_says_so() -> None:
    from ver_desktop.gui.main_window import scan_summary_text

    assert "nothing new (5 unchanged)" in scan_summary_text(ScanSummary(unchanged=5))


# -- 5 and 17: addresses in output --------------------------------------------------------

SECRET = "Wh1sper-kept"  # in every address below; must never be printed


def cli(*args: str, env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ver_desktop", *args], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def with_password(url: str, form: str) -> str:
    """`url` (the fixture's, with no password) carrying SECRET in the form asked for."""
    if form == "user":
        return url.replace("://ver@", f"://ver:{SECRET}@")
    return f"{url}?password={SECRET}"


@pytest.mark.parametrize("form", ["user", "query"])
def test_no_command_prints_the_password_of_a_library_address(
        own_server: PostgresServer, tmp_path: Path, form: str) -> None:
    """Trust authentication lets any password in: the commands run to the end."""
    url = with_password(own_server.new_database("secret"), form)
    data = ["--data-dir", os.fspath(tmp_path / "data")]
    (tmp_path / "empty").mkdir()
    runs = [cli("scan", "--library", url, *data, os.fspath(tmp_path / "empty")),
            cli("upgrade-library", "--library", url, *data),
            cli("list", *data, env={"VER_DESKTOP_LIBRARY_URL": url})]
    for run in runs:
        assert run.returncode == 0, run.stderr
    assert "Library: shared, postgresql" in runs[0].stdout
    assert "up to date: shared, postgresql" in runs[1].stderr
    for run in runs:
        assert SECRET not in run.stdout + run.stderr


def test_the_backup_hint_of_an_old_library_shows_no_password(
        own_server: PostgresServer, tmp_path: Path) -> None:
    url = own_server.new_database("old")
    Library(url).close()
    engine = create_engine(url)
    with engine.begin() as db:  # the library as an earlier version left it
        db.execute(text("DELETE FROM schema_migrations WHERE version = "
                        "(SELECT max(version) FROM schema_migrations)"))
    engine.dispose()
    for form in ("user", "query"):
        run = cli("list", "--library", with_password(url, form),
                  "--data-dir", os.fspath(tmp_path / "data"))
        assert run.returncode != 0 and "pg_dump" in run.stderr, run.stderr
        assert SECRET not in run.stdout + run.stderr
        assert "Traceback" not in run.stderr


@pytest.mark.parametrize("address", [
    f"postgresql:/ver:{SECRET}@127.0.0.1/music",  # a slash short
    f"postgresql//ver:{SECRET}@127.0.0.1/music",
    f"postgresql://ver:{SECRET}@127.0.0.1:abc/music",  # a port that is no number
    f"postgresql://ver@127.0.0.1:abc/music?password={SECRET}",
    f"postgresql://ver:{SECRET[:4]}@{SECRET[4:]}@127.0.0.1:5o432/music",  # an '@' in it
    f"host=127.0.0.1 user=ver password={SECRET}",  # libpq's other form
    f"postgresql://ver@127.0.0.1/music?password=a@{SECRET}",  # read as the host {SECRET}
])
def test_a_mistyped_address_is_one_sentence_without_its_password(
        tmp_path: Path, address: str) -> None:
    run = cli("list", "--library", address, "--data-dir", os.fspath(tmp_path / "data"))
    assert run.returncode != 0
    assert "is not a library address" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert SECRET not in run.stdout + run.stderr
    assert SECRET[4:] not in run.stdout + run.stderr


def test_for_people_keeps_the_address_and_drops_the_password() -> None:
    from ver_desktop.core.library.address import for_people

    assert for_people(f"postgresql+psycopg://me:{SECRET}@server:5433/music?sslmode=require"
                      f"&password={SECRET}") == \
        "postgresql+psycopg://me@server:5433/music?sslmode=require"
    assert for_people(f"postgresql://me@server:abc/music?password={SECRET}") == \
        "postgresql://server"
    assert for_people(f"postgresql://server:x/music?password=a@{SECRET}") == \
        "the address you gave"  # the host could be inside the password


def window_on(qtbot, folder: Path, url: str | None):  # type: ignore[no-untyped-def]
    """A window with its own data folder and settings, on `url` (None: the library in
    its data folder, or the one saved in Settings)."""
    from gui_helpers import settings_at

    from ver_desktop.core import paths
    from ver_desktop.gui.main_window import MainWindow

    window = MainWindow(folder / "data", paths.bundled_model_dir(), settings_at(folder),
                        workers=1, library=url)
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_window_says_a_port_that_is_no_number_in_one_sentence(
        qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import WAIT_MS

    window = window_on(qtbot, tmp_path, f"postgresql://ver:{SECRET}@127.0.0.1:abc/music")
    qtbot.waitUntil(lambda: "could not be opened" in window.empty.title.text(),
                    timeout=WAIT_MS)
    hint = window.empty.hint.text()
    assert hint.startswith("Postgresql+psycopg://127.0.0.1 is not a library address"), hint
    assert "int()" not in hint and SECRET not in hint + window.windowTitle()
    window.close()
    window.runner.wait()


def test_a_server_outage_is_logged_in_a_sentence_without_sql(
        qtbot, tmp_path: Path, own_server: PostgresServer,  # type: ignore[no-untyped-def]
        caplog: pytest.LogCaptureFixture) -> None:
    """The window logged each failed read with SQLAlchemy's traceback, SQL and all, on
    stderr."""
    from gui_helpers import WAIT_MS

    window = window_on(qtbot, tmp_path, own_server.new_database("outage"))
    qtbot.waitUntil(lambda: window.session is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.runner.idle, timeout=WAIT_MS)
    failed: list[str] = []
    window.runner.failed.connect(lambda what, _error: failed.append(what))
    stop(own_server)
    try:
        caplog.clear()
        window.reload()
        qtbot.waitUntil(lambda: bool(failed) and window.runner.idle, timeout=WAIT_MS)
    finally:
        start(own_server)
    logged = [r for r in caplog.records if r.name.startswith("ver_desktop")]
    assert logged
    for record in logged:
        assert record.exc_info is None
        assert "cannot reach the shared library" in record.getMessage()
        assert "SELECT" not in record.getMessage()
    window.close()
    window.runner.wait()


# -- 13: a Dask address that never answers -------------------------------------------------


@pytest.fixture
def silent_server() -> Iterator[str]:
    """An address that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:  # closed: the test is over
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()
    for connection in accepted:
        connection.close()
    thread.join(timeout=10)


CLUSTER_TIMEOUT = {"VER_DESKTOP_CLUSTER_TIMEOUT": "3"}  # the default is 10 s


def test_a_scheduler_that_never_answers_ends_the_scan_in_one_sentence(
        silent_server: str, tmp_path: Path) -> None:
    """It hung for 500 s and more."""
    pytest.importorskip("distributed")
    run = cli("scan", "--cluster", silent_server, "--data-dir", os.fspath(tmp_path / "data"),
              os.fspath(tmp_path), env=CLUSTER_TIMEOUT, timeout=90)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f"ver-desktop: the Dask scheduler at {silent_server} did not answer within 3 s; "
        "check that `dask scheduler` (and not another program) runs there"]


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:abc", "foo://127.0.0.1:8786"])
def test_a_scheduler_address_that_is_wrong_is_one_sentence_and_nothing_after(
        tmp_path: Path, address: str) -> None:
    """The sentence came, and then Client.__del__'s TimeoutError traceback 20 s later."""
    pytest.importorskip("distributed")
    run = cli("scan", "--cluster", address, "--data-dir", os.fspath(tmp_path / "data"),
              os.fspath(tmp_path), env=CLUSTER_TIMEOUT, timeout=90)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f"ver-desktop: {address} is not the address of a Dask scheduler; write it as "
        "tcp://HOST:8786, or local:4 for 4 worker processes here"]


# -- 4: the password kept out of the settings file ------------------------------------------


@pytest.fixture(scope="module")
def keeper(own_server: PostgresServer) -> str:
    """A role that must give its password (scram), and a database of its own; returns
    the database's address without the password."""
    engine = create_engine(own_server.url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as db:
        db.execute(text(f"CREATE ROLE keeper LOGIN PASSWORD '{SECRET}'"))
        db.execute(text("CREATE DATABASE kept OWNER keeper"))
    engine.dispose()
    hba = own_server.data / "pg_hba.conf"
    hba.write_text("host all keeper 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
    own_server._run("pg_ctl", "-D", str(own_server.data), "reload")
    return f"postgresql://keeper@127.0.0.1:{own_server.port}/kept"


@pytest.fixture
def pgpass_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    file = tmp_path / "home" / ".pgpass"
    monkeypatch.setenv("PGPASSFILE", os.fspath(file))
    monkeypatch.delenv("VER_DESKTOP_LIBRARY_URL", raising=False)
    return file


def test_settings_keep_the_password_out_of_their_file_and_mask_it(
        qtbot, tmp_path: Path, keeper: str, pgpass_file: Path) -> None:  # type: ignore[no-untyped-def]
    from ver_desktop.core import paths
    from ver_desktop.core.errors import LibraryError
    from ver_desktop.gui.settings_dialog import SettingsDialog

    window = window_on(qtbot, tmp_path, None)
    with pytest.raises(LibraryError, match="password"):  # the server asks for it
        Library(paths.library_url(tmp_path, keeper))
    dialog = SettingsDialog(window.state, [], parent=window)
    dialog.library_url.setText(keeper.replace("keeper@", f"keeper:{SECRET}@"))
    dialog.accept()
    window.settings.sync()
    settings_file = Path(window.settings.fileName())
    assert SECRET not in settings_file.read_text()
    from ver_desktop.gui.settings_dialog import saved_library

    assert saved_library(window.settings) == keeper
    assert pgpass_file.stat().st_mode & 0o777 == 0o600
    assert f":kept:keeper:{SECRET}" in pgpass_file.read_text()
    Library(paths.library_url(tmp_path, None, saved_library(window.settings))).close()
    again = SettingsDialog(window.state, [], parent=window)  # shown masked, the address without it
    assert again.library_url.text() == keeper
    assert again.library_password.echoMode() == again.library_password.EchoMode.Password
    assert again.library_password.text() == SECRET
    again.library_password.setText("changed")
    again.accept()
    assert ":kept:keeper:changed" in pgpass_file.read_text()
    assert SECRET not in pgpass_file.read_text()
    window.close()
    window.runner.wait()


def test_a_password_an_earlier_version_saved_is_moved_out_on_opening(
        qtbot, tmp_path: Path, pgpass_file: Path) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import WAIT_MS, settings_at

    from ver_desktop.core import paths
    from ver_desktop.gui.main_window import MainWindow
    from ver_desktop.gui.settings_dialog import LIBRARY_KEY

    settings = settings_at(tmp_path)
    settings.setValue(LIBRARY_KEY, f"postgresql://ver:{SECRET}@127.0.0.1:1/old?sslmode=prefer")
    settings.sync()
    window = MainWindow(tmp_path / "data", paths.bundled_model_dir(), settings, workers=1)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "could not be opened" in window.empty.title.text(),
                    timeout=WAIT_MS)
    settings.sync()
    assert SECRET not in Path(settings.fileName()).read_text()
    assert settings.value(LIBRARY_KEY) == "postgresql://ver@127.0.0.1:1/old?sslmode=prefer"
    assert pgpass_file.read_text() == f"127.0.0.1:1:old:ver:{SECRET}\n"
    assert SECRET not in window.windowTitle() + window.empty.hint.text()
    window.close()
    window.runner.wait()


def test_an_address_given_outside_settings_is_shown_without_its_password(
        qtbot, tmp_path: Path, pgpass_file: Path) -> None:  # type: ignore[no-untyped-def]
    from ver_desktop.gui.settings_dialog import SettingsDialog

    window = window_on(qtbot, tmp_path, f"postgresql://ver:{SECRET}@127.0.0.1:1/given")
    dialog = SettingsDialog(window.state, [], parent=window)
    assert not dialog.library_url.isEnabled()
    assert SECRET not in dialog.library_url.text() + dialog.library_password.text()
    window.close()
    window.runner.wait()


def test_the_password_file_keeps_other_entries_and_escapes_colons(pgpass_file: Path) -> None:
    from sqlalchemy.engine import make_url

    from ver_desktop.core.library import pgpass

    pgpass_file.parent.mkdir(parents=True)
    pgpass_file.write_text("# mine\nother:5432:*:me:theirs\n")
    url = make_url("postgresql://me@server:5433/music")
    pgpass.save(url, "a:b\\c")
    pgpass.save(url, "d:e\\f")  # in place of the first
    assert pgpass_file.read_text() == ("# mine\nother:5432:*:me:theirs\n"
                                       "server:5433:music:me:d\\:e\\\\f\n")
    assert pgpass.find(url) == "d:e\\f"
    assert pgpass_file.stat().st_mode & 0o777 == 0o600
    pgpass.forget(url)
    assert pgpass_file.read_text() == "# mine\nother:5432:*:me:theirs\n"
    assert [p.name for p in pgpass_file.parent.iterdir()] == [".pgpass"]  # no leftovers
