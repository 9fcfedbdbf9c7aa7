"""The template engine of the pages: Jinja2 (templates under ``liangfang/web/jinja2/``), through
Django's Jinja2 backend with one compiled copy of each template per language.

What the templates can use besides the view's context: ``_``/``gettext`` and ``ngettext`` (Django's
catalogues, new-style: ``_("%(n)s people", n=...)`` escapes the values), ``url()`` (Django's
``reverse``), ``static()``, ``get_language()``, ``csrf_field()`` (the backend's ``csrf_input``,
masked once per page), the filters of ``liangfang/web/filters.py`` and Django's ``date`` (in the
current time zone) and ``linebreaksbr``. A name nobody gave prints as nothing, as in Django's
templates; the test suite makes it an error instead (``tests/conftest.py``), so a misspelt name
fails a test rather than leaving a blank.

Some things make a page cheaper to render than a plain set-up would (BENCHMARKS.md, issue 4):
``_("literal")`` is looked up in the catalogue when the template is compiled for a language, not on
every render (about 85 strings on a household page), and so are the ``code`` and ``yesno_label``
filters' labels; ``url()`` with digit arguments fills a pattern reversed once instead of walking
the URL resolver each time; the dates the pages show are formatted by the standard library.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.template.backends.jinja2 import Jinja2 as DjangoJinja2
from django.template.defaultfilters import date, linebreaksbr
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from jinja2.lexer import Token
from jinja2.runtime import Context
from markupsafe import Markup

from . import filters

_DIGITS = re.compile(r"[0-9]+")
_PATTERNS: dict[tuple[str, str, int], tuple[str, tuple[str, ...]] | None] = {}


# The formats the pages use, written by the standard library (Django's formatter costs ~20 times more).
_STRFTIME = {"Y-m-d": "%Y-%m-%d", "Y-m-d H:i": "%Y-%m-%d %H:%M", "Y-m-d H:i:s": "%Y-%m-%d %H:%M:%S"}


def local_date(value: Any, format: str | None = None) -> str:
    """Django's ``date`` filter on the value in the current time zone, as Django's templates give
    it (they convert datetimes before such filters; Jinja2 does not)."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    pattern = _STRFTIME.get(format or "")
    if (pattern is not None and isinstance(value, dt.date) and value.year >= 1000
            and (isinstance(value, dt.datetime) or "%H" not in pattern)):
        return value.strftime(pattern)
    return date(value, format)


@pass_context
def csrf_field(context: Context) -> Any:
    """The hidden CSRF input: masked once per page, however many forms the page has (Django's
    ``csrf_input`` masks the token again at every use)."""
    request = context.get("request")
    if request is None:
        return ""
    field = getattr(request, "_liangfang_csrf_field", None)
    if field is None:
        field = request._liangfang_csrf_field = Markup(str(context["csrf_input"]))
    return field


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """``reverse(name, args=args)``. For arguments that are all digits (household numbers, ids,
    region codes, years: valid for the ``str`` and ``int`` converters alike) the URL is filled into
    the route's pattern, reversed once per process with stand-in digits."""
    texts = [str(a) for a in args]
    if kwargs or not all(_DIGITS.fullmatch(t) for t in texts):
        return reverse(name, args=args or None, kwargs=kwargs or None)
    key = (get_script_prefix(), name, len(texts))
    if key not in _PATTERNS:
        stand_ins = tuple(f"7310{i:02d}000000731" for i in range(len(texts)))
        pattern = reverse(name, args=stand_ins)
        _PATTERNS[key] = (pattern, stand_ins) if all(pattern.count(s) == 1 for s in stand_ins) else None
    found = _PATTERNS[key]
    if found is None:
        return reverse(name, args=args)
    pattern, stand_ins = found
    for stand_in, text in zip(stand_ins, texts, strict=True):
        pattern = pattern.replace(stand_in, text)
    return pattern


class ConstantTranslations(Extension):
    """In an environment compiled for one language (``translate_to``), ``_("text")`` with no
    values becomes the translated text itself, marked safe as new-style gettext marks it."""

    def filter_stream(self, stream: Any) -> Iterable[Token]:
        language = getattr(self.environment, "translate_to", None)
        if language is None:
            return stream
        return self._translated(list(stream), language)

    @staticmethod
    def _translated(tokens: list[Token], language: str) -> Iterator[Token]:
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if (t.type == "name" and t.value == "_" and i + 3 < len(tokens)
                    and (i == 0 or tokens[i - 1].type != "dot")
                    and [x.type for x in tokens[i + 1:i + 4]] == ["lparen", "string", "rparen"]):
                with translation.override(language):
                    text = gettext(tokens[i + 2].value) % {}  # new-style: always a format string
                yield Token(t.lineno, "string", text)
                yield Token(t.lineno, "pipe", "|")
                yield Token(t.lineno, "name", "safe")
                i += 4
                continue
            yield t
            i += 1


def environment(**options: Any) -> Environment:
    env = Environment(extensions=["jinja2.ext.i18n", ConstantTranslations], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        url=url, static=static, get_language=get_language, csrf_field=csrf_field,
        options=filters.options, chosen_option=filters.chosen_option,
        # base.html reads these; pages that have no viewer (log-in, errors) leave them out
        viewer=None, error_page=False,
    )
    env.filters.update(
        code=filters.code, resident_id=filters.resident_id, phone=filters.phone,
        bank_account=filters.bank_account, health=filters.health, plan_status=filters.plan_status,
        birth_date=filters.birth_date,
        money=filters.money, yesno_label=filters.yesno_label, num=filters.num,
        date=local_date, linebreaksbr=linebreaksbr,
    )
    return env


class Jinja2(DjangoJinja2):
    """Django's Jinja2 backend whose ``env`` is an overlay of the configured environment for the
    active language (each with its own compiled templates); ``base_env`` is the configured one."""

    base_env: Environment

    def __init__(self, params: dict[str, Any]) -> None:
        self._by_language: dict[str, Environment] = {}
        self._lock = threading.Lock()
        super().__init__(params)

    @property  # type: ignore[override]
    def env(self) -> Environment:
        language = get_language() or settings.LANGUAGE_CODE
        found = self._by_language.get(language)
        if found is None:
            with self._lock:
                found = self._by_language.get(language)
                if found is None:
                    found = self.base_env.overlay()
                    found.translate_to = language  # type: ignore[attr-defined]
                    found.filters = {**self.base_env.filters, **filters.for_language(language)}
                    self._by_language[language] = found
        return found

    @env.setter
    def env(self, value: Environment) -> None:
        self.base_env = value
