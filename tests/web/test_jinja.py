"""The page engine's shortcuts give what the plain calls give: ``url()`` against Django's
``reverse`` for every route, ``_("text")`` and the code and yes/no labels fixed when a template is
compiled for a language against the same calls made at render time, and the dates written by the
standard library against Django's ``date`` filter."""

from __future__ import annotations

import pytest
from django.template import engines
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from liangfang.web.jinja import url


def _routes() -> list[tuple[str, int]]:
    resolver = get_resolver()
    web = next(p for p in resolver.url_patterns if isinstance(p, URLResolver) and p.namespace == "web")
    return [(f"web:{p.name}", len(p.pattern.converters)) for p in web.url_patterns
            if isinstance(p, URLPattern) and p.name]


@pytest.mark.parametrize(("name", "arity"), _routes())
def test_url_equals_reverse_for_every_route(name: str, arity: int) -> None:
    for args in ([str(220802201001 + i) for i in range(arity)], [7 + i for i in range(arity)]):
        assert url(name, *args) == reverse(name, args=args or None)
        assert url(name, *args) == url(name, *args)  # the second call fills the kept pattern


def test_url_with_other_arguments_takes_reverse() -> None:
    assert url("web:household", "a b") == reverse("web:household", args=["a b"]) == "/households/a%20b/"
    assert url("web:households") == "/households/"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_text_translated_at_compile_time_renders_as_at_render_time(language: str) -> None:
    source = ('<p title="{{ _(\'Households\') }}">{{ _("Members") }} · '
              '{{ _("Coverage among registered households\' members") }} · {{ _("%(n)s people", n=3) }} · '
              '{% for t in (_("Cost by measure"), "x") %}{{ t }}{% endfor %}</p>')
    backend = engines["jinja2"]
    with translation.override(language):
        compiled = backend.env.from_string(source).render()  # type: ignore[attr-defined]
        plain = backend.base_env.from_string(source).render()  # type: ignore[attr-defined]
    assert compiled == plain
    assert ("家庭成员" in compiled) == (language == "zh-hans")
    assert engines["jinja2"].base_env.from_string("{{ obj._('x') }}").render(  # type: ignore[attr-defined]
        obj={"_": lambda s: s + "!"}) == "x!"  # only a bare _() is translated


def test_dates_are_shown_in_the_local_time_zone_as_django_templates_show_them() -> None:
    import datetime as dt

    from django.template import Context, Template
    from django.utils import timezone

    at = dt.datetime(2020, 6, 30, 16, 5, 9, tzinfo=dt.UTC)
    # the pages' three formats (written with strftime) and another, for datetimes and dates
    pairs = [(v, f) for v in ("t", "n", "d", "old") for f in ("Y-m-d", "j M Y", *(
        ("Y-m-d H:i", "Y-m-d H:i:s") if v in ("t", "n") else ()))]
    jinja = engines["jinja2"].env.from_string(" ".join(  # type: ignore[attr-defined]
        f'{{{{ {v}|date("{f}") }}}}' for v, f in pairs))
    django = Template(" ".join(f'{{{{ {v}|date:"{f}" }}}}' for v, f in pairs))
    values = {"t": at, "d": dt.date(2020, 6, 30), "n": dt.datetime(2020, 1, 2, 3, 4, 5), "old": dt.date(999, 1, 2)}
    assert jinja.render(values) == django.render(Context(values))
    assert jinja.render(values).startswith(timezone.localtime(at).strftime("%Y-%m-%d"))
    assert f" {timezone.localtime(at):%Y-%m-%d %H:%M} " in jinja.render(values)
    assert engines["jinja2"].env.from_string("{{ n|date('Y') }}").render(n=None) == ""  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_labels_of_a_language_environment_are_those_of_the_active_language(language: str) -> None:
    from liangfang.domain.codes import code_list
    from liangfang.web import filters

    source = '{{ s|code("household_status") }}|{{ y|yesno_label }}|{{ n|yesno_label }}|{{ u|yesno_label }}'
    backend = engines["jinja2"]
    for status in [*code_list("household_status").codes, "no_such_code", ""]:
        values = {"s": status, "y": True, "n": 0, "u": None}
        with translation.override(language):
            compiled = backend.env.from_string(source).render(values)  # type: ignore[attr-defined]
            plain = (f"{filters.code(status, 'household_status')}|{filters.yesno_label(True)}|"
                     f"{filters.yesno_label(0)}|{filters.yesno_label(None)}")
        assert compiled == plain
    with translation.override(language):
        assert backend.env.from_string("{{ 1|yesno_label }}").render() == (  # type: ignore[attr-defined]
            "是" if language == "zh-hans" else "yes")
