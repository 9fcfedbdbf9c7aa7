"""The README's screenshots, taken from the demo database in Debian's chromium.

    make demo                                   # once: the demo district, assessed and planned
    .venv/bin/python scripts/screenshots.py [--out docs]

Serves the demo database (``LIANGFANG_VAR``, default ``var/``) on a free local port, logs in as the
demo user and saves the county dashboard, a household page with its plan and the county's plan
page. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.local_server import wait_for_server  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _targets() -> tuple[str, str]:
    """The county code and a household with a proposed plan of several measures."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangfang.settings")
    import django

    django.setup()
    from django.db.models import Count

    from liangfang.plans.models import Plan
    from liangfang.registry.selectors import top_region

    county = top_region()
    plan = (Plan.objects.annotate(n=Count("measures")).filter(n__gte=3).select_related("household")
            .order_by("-n", "household__number").first())
    if county is None or plan is None:
        raise SystemExit("no demo data with plans: run `make demo` (or `liangfang demo --no-serve`) first")
    return county.code, plan.household.number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    county, number = _targets()
    var = Path(os.environ.get("LIANGFANG_VAR", ROOT / "var"))
    password = (var / "demo_password").read_text(encoding="utf-8").strip()
    port = _free_port()
    server = subprocess.Popen([str(ROOT / ".venv/bin/liangfang"), "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_server(port, server)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            base = f"http://127.0.0.1:{port}"
            page.goto(f"{base}/login/")
            page.fill("input[name=username]", "demo")
            page.fill("input[name=password]", password)
            with page.expect_navigation():
                page.press("input[name=password]", "Enter")  # the header's language switch is a button too
            if "/login/" in page.url:
                raise SystemExit("the demo login was refused")
            args.out.mkdir(parents=True, exist_ok=True)
            # the county's plan page lists every household: its top part only
            for name, path, whole in (("web-dashboard", f"/region/{county}/", True),
                                      ("web-household", f"/households/{number}/", True),
                                      ("web-plans", f"/region/{county}/plans/", False)):
                page.set_viewport_size({"width": 1280, "height": 900 if whole else 1500})
                page.goto(base + path)
                page.screenshot(path=str(args.out / f"{name}.png"), full_page=whole)
                print(f"{args.out / name}.png  ← {path}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
