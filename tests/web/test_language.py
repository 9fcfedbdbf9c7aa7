"""Chinese by default, English on request; every interface string is translated."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest

import liangfang

pytestmark = pytest.mark.django_db
LOCALE = Path(liangfang.__file__).parent / "locale"


def test_chinese_by_default_english_switchable(world, login) -> None:
    c = login("admin")
    page = c.get(f"/households/{world.mine.number}/").content.decode()
    assert "家庭成员" in page and "人均纯收入" in page and "长期慢性病" in page
    r = c.post("/i18n/setlang/", {"language": "en", "next": f"/households/{world.mine.number}/"})
    assert r.status_code == 302
    page = c.get(f"/households/{world.mine.number}/").content.decode()
    assert "Members" in page and "Per-capita net income" in page and "chronic illness" in page
    assert "家庭成员" not in page


def _entries(po: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs; plural entries give their first form."""
    pairs, msgid, key, values = [], None, None, {}
    for line in [*po.read_text("utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgid_plural ", "msgstr")):
            key, _, text = line.partition(" ")
            values[key] = text.strip('"')
        elif line.startswith('"') and key:
            values[key] += line.strip('"')
        elif not line.strip() and values:
            msgid = values.get("msgid", "")
            if msgid:
                pairs.append((msgid, values.get("msgstr", values.get("msgstr[0]", ""))))
            values, key = {}, None
    return pairs


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_every_string_is_translated(lang: str) -> None:
    entries = _entries(LOCALE / lang / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    assert [m for m, s in entries if not s] == []
    assert "#, fuzzy" not in (LOCALE / lang / "LC_MESSAGES" / "django.po").read_text("utf-8")


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_compiled_catalogues_match_the_sources(lang: str, tmp_path: Path) -> None:
    folder = LOCALE / lang / "LC_MESSAGES"
    subprocess.run(["msgfmt", "-o", str(tmp_path / "django.mo"), str(folder / "django.po")], check=True)

    def catalogue(path: Path) -> dict[object, str]:
        with path.open("rb") as f:
            return dict(gettext.GNUTranslations(f)._catalog)  # type: ignore[attr-defined]

    assert catalogue(tmp_path / "django.mo") == catalogue(folder / "django.mo")


def test_a_browser_asking_for_english_still_gets_chinese_until_the_user_switches(world, login) -> None:
    c = login("admin")
    page = c.get(f"/households/{world.mine.number}/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "家庭成员" in page


def test_every_string_of_the_page_templates_is_in_both_catalogues() -> None:
    """The pages are Jinja2 templates, which Django's makemessages does not read: every string they
    hand to ``_()``/``ngettext()`` must still have an entry (and, above, a translation)."""
    from django.template import engines

    env = engines["jinja2"].base_env  # type: ignore[attr-defined]  # the one that keeps _() calls
    wanted: dict[str, str] = {}
    for path in sorted((Path(liangfang.__file__).parent / "web" / "jinja2").rglob("*.html")):
        for line, _function, message in env.extract_translations(path.read_text("utf-8")):
            text = message if isinstance(message, str) else message[0]  # ngettext: (singular, plural)
            wanted.setdefault(text, f"{path.name}:{line}")
    assert len(wanted) > 200
    for lang in ("zh_Hans", "en"):
        known = {m for m, _ in _entries(LOCALE / lang / "LC_MESSAGES" / "django.po")}
        assert {text: where for text, where in wanted.items() if text not in known} == {}, lang
