"""The README's screenshots, taken from the demo database in Debian's chromium.

    make demo                                   # once: the demo district, assessed and planned
    .venv/bin/python scripts/screenshots.py [--out docs]

Serves the demo database (``LIANGFANG_VAR``, default ``var/``) on a free local port, logs in as the
demo user and saves the county dashboard, a household page with its plan and the county's plan
page; the household page on a phone (390 px); and the page of its plan (一户一策) as chromium prints it
on A4 (poppler's pdftoppm turns the PDF page into an image). Only 127.0.0.1 is contacted.
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
    server = subprocess.Popen([sys.executable, "-m", "liangfang", "serve", "--port", str(port)], cwd=ROOT,
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
            # a village cadre's phone: the household page at 390 px, its first two screens
            phone = browser.new_context(viewport={"width": 390, "height": 1400}, is_mobile=True, has_touch=True,
                                        device_scale_factor=2, storage_state=page.context.storage_state())
            on_phone = phone.new_page()
            on_phone.goto(f"{base}/households/{number}/")
            on_phone.screenshot(path=str(args.out / "web-phone-household.png"))
            print(f"{args.out / 'web-phone-household'}.png  ← {number} at 390 px")
            phone.close()
            # the household's plan as printed: chromium's A4 PDF, its plan page as an image
            page.goto(f"{base}/households/{number}/")
            page.emulate_media(media="print")
            pdf = args.out / "print-household.pdf"
            pdf.write_bytes(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))
            pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
            count = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
            plan_page = next(i for i in range(1, count + 1) if "一户一策" in "".join(subprocess.run(
                ["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True, text=True,
                check=True).stdout.split()))
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", "-f", str(plan_page), "-l", str(plan_page),
                            str(pdf), str(args.out / "print-plan")], check=True)
            pdf.unlink()
            print(f"{args.out / 'print-plan'}.png  ← page {plan_page} of the printed household page")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
