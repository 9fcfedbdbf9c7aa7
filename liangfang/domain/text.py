"""Bilingual text for users: Chinese and English, each face renders the language it needs (the web
by the session's language, the command line by ``LIANGFANG_LANG``; both when none is chosen)."""

from __future__ import annotations

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

    def __new__(cls, zh: str, en: str) -> Text:
        text = super().__new__(cls, f"{zh} / {en}")
        text.zh, text.en = zh, en
        return text

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]  # pickled by its halves
        return self.zh, self.en

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
