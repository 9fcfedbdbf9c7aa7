"""Files that hold people's data or secrets are readable by the server's own user only.

The data folder is made 0700 and the SQLite database, its journal files, the secret key and the
demo password 0600 at creation, never loosened and tightened afterwards: the process mask
(``os.umask(0o077)``) covers what other code creates (SQLite opens its files with 0644 and no
way to ask otherwise), and ``write_private`` gives a file its mode in the same call that makes it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def restrict_process() -> None:
    """New files and folders of this process are private to its user (SQLite's files among them)."""
    os.umask(os.umask(PRIVATE_UMASK) | PRIVATE_UMASK)


def private_folder(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700; an existing folder of ours that others could
    read is tightened (a data folder made by an older version)."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    info = path.stat()
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(stat.S_IMODE(info.st_mode) & ~0o077)
    return path


def tighten(path: Path) -> None:
    """An existing file of ours that others could read becomes 0600 (left by an older version)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(FILE_MODE)


def write_private(path: Path, text: str) -> None:
    """Write a new file that is 0600 from the moment it exists (raises FileExistsError if it does)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
