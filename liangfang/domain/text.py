"""Bilingual text for users: Chinese and English, each face renders the language it needs (the web
by the session's language, the command line by ``LIANGFANG_LANG``; both when none is chosen)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

Language = Literal["zh", "en", "both"]


class Text(str):
    """A message in Chinese and English. As a plain string it is both, "中文 / English" (what a log,
    an exception or a piped terminal with no language chosen shows); ``render`` gives one language.

    It is a ``str`` so that every reader of a message (logs, error workbooks, tests that look for a
    phrase) keeps working while the faces that choose a language read its halves.

    >>> t = Text("金额不能为负", "the amount cannot be negative")
    >>> t.render("zh"), t.render("en")
    ('金额不能为负', 'the amount cannot be negative')
    >>> str(t)
    '金额不能为负 / the amount cannot be negative'
    """

    zh: str
    en: str

    def __new__(cls, zh: str, en: str, both: str | None = None) -> Text:
        """``both``: the text in both languages when "zh / en" does not read well (several lines)."""
        text = super().__new__(cls, f"{zh} / {en}" if both is None else both)
        text.zh, text.en = zh, en
        return text

    def __getnewargs__(self) -> tuple[str, str, str]:  # type: ignore[override]  # pickled by its halves
        return self.zh, self.en, str.__str__(self)

    def render(self, language: str) -> str:
        """The text in ``language`` ("zh…", "en…"; anything else gives both)."""
        if language.startswith("zh"):
            return self.zh
        if language.startswith("en"):
            return self.en
        return str.__str__(self)


def render(message: str, language: str) -> str:
    """A message in ``language``: one half of a Text, or the message as it is (a text in one language,
    such as a value or a file name)."""
    return message.render(language) if isinstance(message, Text) else message


def joined(*parts: object, sep: str = "") -> str:
    """Parts of a message put together: a Text when any part is one (the other parts, such as a
    file name or a number, read the same in both languages), a plain string otherwise.

    >>> m = joined("pack.yaml:3", ": ", Text("缺少必填项", "required item missing"))
    >>> m.render("zh"), m.render("en")
    ('pack.yaml:3: 缺少必填项', 'pack.yaml:3: required item missing')
    """
    if not any(isinstance(p, Text) for p in parts):
        return sep.join(map(str, parts))
    return Text(sep.join(_half(p, "zh") for p in parts), sep.join(_half(p, "en") for p in parts))


def lines(messages: Iterable[str]) -> str:
    """Messages one per line: a Text when any is one, whose both-languages form keeps each line's
    two halves together ("行一 / line one" then "行二 / line two")."""
    items = list(messages)
    if not any(isinstance(m, Text) for m in items):
        return "\n".join(items)
    return Text("\n".join(render(m, "zh") for m in items), "\n".join(render(m, "en") for m in items),
                "\n".join(items))


def message_of(error: BaseException) -> str:
    """What an exception says, as it was raised: its Text when raised with one (``str(error)``
    gives both languages), so that a face can render it in one language."""
    if len(error.args) == 1 and isinstance(error.args[0], Text):
        return error.args[0]
    return str(error)


def _half(part: object, language: str) -> str:
    return part.render(language) if isinstance(part, Text) else str(part)
