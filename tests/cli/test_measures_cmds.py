"""``liangfang measures`` on a new installation: the schema comes first, as for every command on the
database, so a user sees what is wrong with the question, not a missing table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("command, said", [
    (["measures", "--region", "220802000000", "--year", "2020"], "没有代码为 220802000000 的区划"),
    (["region", "find", "洮北"], ""),
])
def test_a_command_on_a_database_never_migrated_answers_in_words(tmp_path: Path, command: list[str],
                                                                  said: str) -> None:
    # its own SQLite file, never created: the subprocess must not touch the database the suite was given
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(LIANGFANG_DB=str(tmp_path / "new.sqlite3"), LIANGFANG_VAR=str(tmp_path), LIANGFANG_LANG="zh")
    done = subprocess.run([sys.executable, "-m", "liangfang", *command], capture_output=True, env=env,
                          cwd=Path(__file__).parents[2], timeout=120, check=False)
    out = (done.stdout + done.stderr).decode()
    assert "Traceback" not in out and "no such table" not in out and "OperationalError" not in out, out
    assert said in out
