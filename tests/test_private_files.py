"""The data folder, the SQLite database and the secret key are the server user's alone, from the
moment they exist (no window at 0644 before a chmod), and an older installation is tightened."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from liangfang.private_files import write_private

_START = textwrap.dedent("""
    import os, pathlib, sys
    os.umask(0o022)  # a usual login's mask
    if sys.argv[1] == "no-chmod":  # a file made private only by a chmod afterwards stays open
        pathlib.Path.chmod = lambda self, mode, **kw: None
        os.chmod = lambda *a, **kw: None
    import django
    django.setup()
    from django.db import connection
    with connection.cursor() as c:
        c.execute("CREATE TABLE t (x integer)")
        c.execute("INSERT INTO t VALUES (1)")
    """)


def _start(var: Path, mode: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LIANGFANG_DB", "LIANGFANG_SECRET_KEY",
                                                            "LIANGFANG_SECRET_KEY_FILE")}
    env.update(LIANGFANG_VAR=str(var), DJANGO_SETTINGS_MODULE="liangfang.settings")
    subprocess.run([sys.executable, "-c", _START, mode], env=env, check=True, cwd=Path(__file__).parent.parent)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_folder_database_and_key_are_created_private(tmp_path: Path) -> None:
    var = tmp_path / "var"
    _start(var, "no-chmod")
    assert _mode(var) == 0o700
    assert _mode(var / "secret_key") == 0o600
    files = [p for p in var.iterdir() if p.name.startswith("liangfang.sqlite3")]
    assert files
    for p in files:
        assert _mode(p) & 0o077 == 0, p


def test_an_older_installation_is_tightened(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    for name in ("liangfang.sqlite3", "secret_key"):
        (var / name).write_text("" if name.endswith("3") else "k" * 50)
        (var / name).chmod(0o644)
    _start(var, "chmod")
    assert _mode(var) == 0o700
    assert _mode(var / "secret_key") == 0o600 and _mode(var / "liangfang.sqlite3") == 0o600


def test_write_private_never_replaces_a_file(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    write_private(path, "one")
    assert _mode(path) == 0o600
    try:
        write_private(path, "two")
    except FileExistsError:
        pass
    else:
        raise AssertionError("an existing file was overwritten")
    assert path.read_text() == "one"


def test_the_demo_password_is_written_private_under_a_loose_umask(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    """`liangfang demo` keeps its login's password in the data folder: the server user's alone from
    the moment it exists, whatever the umask of the shell that ran it, and read back, not replaced."""
    from liangfang.cli.setup_cmds import _demo_password

    settings.VAR_DIR = tmp_path
    old = os.umask(0o022)
    try:
        password = _demo_password()
    finally:
        os.umask(old)
    assert _mode(tmp_path / "demo_password") == 0o600
    assert (tmp_path / "demo_password").read_text() == password and _demo_password() == password
