"""Fixtures shared by the whole suite."""

from collections.abc import Iterator

import pytest

from liangfang.cli.app import console, err_console


@pytest.fixture(autouse=True)
def wide_console(request: pytest.FixtureRequest) -> Iterator[None]:
    """Command output is laid out for a 200-column terminal in every test, whatever terminal
    (or none) the suite runs under, so assertions on table rows do not depend on wrapping.
    A test marked ``@pytest.mark.console_width(80)`` gets that width instead."""
    marker = request.node.get_closest_marker("console_width")
    width = int(marker.args[0]) if marker else 200
    saved = [(c, c._width) for c in (console, err_console)]
    for c, _ in saved:
        c.width = width
    yield
    for c, old in saved:
        c._width = old


@pytest.fixture(autouse=True, scope="session")
def jinja_pages_tell_the_test_client() -> Iterator[None]:
    """The test client keeps ``response.context`` from Django's ``template_rendered`` signal, which
    Django sends for its own template language only (it instruments that engine for tests). The
    pages are Jinja2 templates: send the same signal for them while the suite runs. And a name a
    page prints, loops over or looks into that its view did not give is an error here (it prints as
    nothing in production); ``{% if name %}`` on a name left out is still just false."""
    from django.template import engines
    from django.template.backends import jinja2 as backend
    from django.test.signals import template_rendered
    from jinja2 import StrictUndefined

    class OptionalOnlyInIf(StrictUndefined):
        # StrictUndefined's __bool__ raises (typed as returning Never); here a missing name is just false
        def __bool__(self) -> bool:  # type: ignore[override]
            return False

    env = engines["jinja2"].base_env  # type: ignore[attr-defined]  # before any language overlay
    lenient, env.undefined = env.undefined, OptionalOnlyInIf

    render = backend.Template.render

    def render_and_tell(self, context=None, request=None):  # type: ignore[no-untyped-def]
        template_rendered.send(sender=self, template=self, context=context if context is not None else {})
        return render(self, context, request)

    backend.Template.render = render_and_tell  # type: ignore[method-assign]
    yield
    backend.Template.render = render  # type: ignore[method-assign]
    env.undefined = lenient
