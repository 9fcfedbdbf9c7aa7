"""The template engine of the pages: Jinja2, through Django's Jinja2 backend (templates under
``liangfang/web/jinja2/``). Its templates are compiled to Python once per process, which renders a
household page several times faster than Django's template language did (BENCHMARKS.md, issue 4).

What the templates can use besides the view's context: ``_``/``gettext`` and ``ngettext`` (Django's
catalogues, new-style: ``_("%(n)s people", n=...)`` escapes the values), ``url()`` (Django's
``reverse``), ``static()``, ``get_language()``, ``csrf_input`` (added by the backend), the
filters of ``liangfang/web/filters.py`` and Django's ``date`` and ``linebreaksbr``. A name nobody
gave prints as nothing, as in Django's templates; the test suite makes it an error instead
(``tests/conftest.py``), so a misspelt name fails a test rather than leaving a blank."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import date, linebreaksbr
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment

from . import filters


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        url=url, static=static, get_language=get_language,
        options=filters.options, chosen_option=filters.chosen_option,
        # base.html reads these; pages that have no viewer (log-in, errors) leave them out
        viewer=None, error_page=False,
    )
    env.filters.update(
        code=filters.code, resident_id=filters.resident_id, phone=filters.phone,
        bank_account=filters.bank_account, health=filters.health, plan_status=filters.plan_status,
        money=filters.money, yesno_label=filters.yesno_label, num=filters.num,
        date=date, linebreaksbr=linebreaksbr,
    )
    return env
