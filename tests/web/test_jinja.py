"""The page engine's two shortcuts give what the plain calls give: ``url()`` against Django's
``reverse`` for every route, and ``_("text")`` translated when a template is compiled for a
language against the same call made at render time."""

from __future__ import annotations

import pytest
from django.template import engines
from django.urls import URLPattern, get_resolver, reverse
from django.utils import translation

from liangfang.web.jinja import url


def _routes() -> list[tuple[str, int]]:
    resolver = get_resolver()
    web = next(p for p in resolver.url_patterns if getattr(p, "namespace", None) == "web")
    return [(f"web:{p.name}", len(p.pattern.converters)) for p in web.url_patterns  # type: ignore[attr-defined]
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

    at = dt.datetime(2020, 6, 30, 16, 5, tzinfo=dt.UTC)
    jinja = engines["jinja2"].env.from_string('{{ t|date("Y-m-d H:i") }} {{ d|date("Y-m-d") }}')  # type: ignore[attr-defined]
    django = Template('{{ t|date:"Y-m-d H:i" }} {{ d|date:"Y-m-d" }}')
    values = {"t": at, "d": dt.date(2020, 6, 30)}
    assert jinja.render(values) == django.render(Context(values))
    assert jinja.render(values).startswith(timezone.localtime(at).strftime("%Y-%m-%d %H:%M"))
    assert engines["jinja2"].env.from_string("{{ n|date('Y') }}").render(n=None) == ""  # type: ignore[attr-defined]
