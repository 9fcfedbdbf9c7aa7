"""The pages' query parameters, parsed in one place: a value a page cannot use is a 400 with a
message naming the parameter, the value and what is accepted (issue 13: ``?cadre=`` with 25 digits
answered 500 -- a number past the database's integer). Views call these, never ``int()`` on a
query value."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from django.core.exceptions import SuspiciousOperation

from ..domain.text import Text

MAX_ID = 2**63 - 1  # a database key (bigint)
MAX_TEXT = 100


class BadParameter(SuspiciousOperation):
    """Django answers it with ``handler400`` (``views.errors.bad_request``), which shows the message."""

    def __init__(self, name: str, value: str, zh: str, en: str) -> None:
        shown = value if len(value) <= 40 else value[:40] + "…"
        self.message = Text(f"查询参数 {name}={shown!r} 无效：{zh}",
                            f"query parameter {name}={shown!r} is not valid: {en}")
        super().__init__(str(self.message))


def _raw(params: Mapping[str, str], name: str) -> str:
    return str(params.get(name, "") or "").strip()


def integer(params: Mapping[str, str], name: str, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """A whole number in [minimum, maximum], or None when absent or empty."""
    raw = _raw(params, name)
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(maximum)) or not minimum <= int(raw) <= maximum:
        raise BadParameter(name, raw, f"应为 {minimum} 到 {maximum} 之间的整数", f"use a whole number from {minimum} "
                                      f"to {maximum}")
    return int(raw)


def choice(params: Mapping[str, str], name: str, allowed: Collection[str], default: str = "") -> str:
    """One of ``allowed``; ``default`` when absent or empty."""
    raw = _raw(params, name)
    if not raw:
        return default
    if raw not in allowed:
        listed = ", ".join(sorted(allowed)[:20])
        raise BadParameter(name, raw, f"可用的值：{listed}", f"accepted values: {listed}")
    return raw


def text(params: Mapping[str, str], name: str, *, max_length: int = MAX_TEXT) -> str:
    raw = _raw(params, name)
    if len(raw) > max_length or any(not c.isprintable() for c in raw):
        raise BadParameter(name, raw, f"最多 {max_length} 个可见字符", f"at most {max_length} printable characters")
    return raw
