"""The web tests' personas and registry (``tests/web/conftest.py``), for the accounts' tests."""

from tests.web.conftest import login, web_settings, world  # noqa: F401
