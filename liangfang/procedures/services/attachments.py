"""Attachments of a step (scanned minutes, photos, signed consent): type- and size-checked, stored
under ``LIANGFANG_VAR/attachments/`` by their SHA-256 (the same file twice is stored once)."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ...domain.text import Text
from ..errors import Problem, ValidationFailed

KINDS = {
    "application": "申请书 application",
    "minutes": "会议记录 minutes",
    "consent": "签字确认 signed consent",
    "photo": "照片 photo",
    "other": "其他 other",
}
# What each type must start with, then read in full by a library that knows it (pypdf, Pillow):
# a renamed file of another type, or a damaged one, is refused.
_TYPES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def max_bytes() -> int:
    return int(settings.LIANGFANG_ATTACHMENT_MAX_BYTES)


@dataclass(frozen=True)
class Upload:
    kind: str
    name: str
    content: bytes


@dataclass(frozen=True)
class Stored:
    kind: str
    name: str
    content_type: str
    size: int
    sha256: str


def folder() -> Path:
    return Path(settings.VAR_DIR) / "attachments"


def path_of(sha256: str) -> Path:
    return folder() / sha256[:2] / sha256


def _readable(content_type: str, content: bytes) -> bool:
    try:
        if content_type == "application/pdf":
            from pypdf import PdfReader

            return len(PdfReader(io.BytesIO(content)).pages) > 0
        from PIL import Image

        with Image.open(io.BytesIO(content)) as img:
            img.verify()
        return True
    except Exception:  # any parse failure means the file is not what it claims to be
        return False


def check(upload: Upload, index: int = 0) -> tuple[str, list[Problem]]:
    problems: list[Problem] = []
    if upload.kind not in KINDS:
        names = ", ".join(KINDS)
        problems.append(
            Problem(
                "kind", upload.kind, Text(f"附件类别须为 {names}", f"attachment kind must be one of {names}"), index
            )
        )
    limit = max_bytes()
    if len(upload.content) > limit:
        problems.append(
            Problem(
                "file",
                upload.name,
                Text(
                    f"文件 {upload.name} 有 {len(upload.content):,} 字节，超过上限 {limit:,}",
                    f"{upload.name} is larger than {limit:,} bytes",
                ),
                index,
            )
        )
        return "", problems
    if not upload.content:
        problems.append(
            Problem("file", upload.name, Text(f"文件 {upload.name} 是空的", f"{upload.name} is empty"), index)
        )
        return "", problems
    content_type = next((t for magic, t in _TYPES.items() if upload.content.startswith(magic)), "")
    if not content_type or not _readable(content_type, upload.content):
        problems.append(
            Problem(
                "file",
                upload.name,
                Text(
                    f"文件 {upload.name} 不是可读的 PDF、JPEG 或 PNG",
                    f"{upload.name} is not a readable PDF, JPEG or PNG",
                ),
                index,
            )
        )
    return content_type, problems


def store(uploads: list[Upload]) -> list[Stored]:
    """Check every upload (all or nothing), then write each one under its hash."""
    checked = [check(u, i) for i, u in enumerate(uploads)]
    problems = [p for _, ps in checked for p in ps]
    if problems:
        raise ValidationFailed(problems)
    out = []
    for upload, (content_type, _) in zip(uploads, checked, strict=True):
        digest = hashlib.sha256(upload.content).hexdigest()
        target = path_of(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(upload.content)
            os.chmod(tmp, 0o600)
            tmp.replace(target)
        out.append(Stored(upload.kind, Path(upload.name).name[:200], content_type, len(upload.content), digest))
    return out
