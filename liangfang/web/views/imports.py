"""Importing a registry workbook from the web: the same core as ``liangfang import`` (every row
checked, all or nothing, an error workbook), limited to the user's region. The error workbook is
kept under the data folder and handed only to the session that made it."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from ...domain.text import Text
from .. import masking
from ..permissions import Viewer, viewer_required
from ..text import lang, shown

IMPORT_MAX_BYTES = 50 * 1024 * 1024  # a county's registry workbook is about 10 MB
SHOWN_ERRORS = 200
KEEP_SECONDS = 24 * 3600
SUFFIXES = (".xlsx", ".csv")
_SESSION_KEY = "liangfang_import_errors"


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _forget_old(folder: Path) -> None:
    """Error workbooks and uploads older than a day are removed."""
    now = time.time()
    for path in folder.iterdir():
        try:
            if now - path.stat().st_mtime > KEEP_SECONDS:
                path.unlink()
        except OSError:
            continue


@viewer_required(edit=True)
def import_view(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    context: dict[str, object] = {"viewer": viewer, "max_mb": IMPORT_MAX_BYTES // (1024 * 1024),
                                  "t": lambda zh, en: Text(zh, en).render(lang())}
    if request.method != "POST":
        return render(request, "web/import.html", context)
    upload = request.FILES.get("file")
    dry_run = request.POST.get("dry_run") == "on"
    allow_removals = request.POST.get("allow_removals") == "on"
    override_stale = request.POST.get("override_stale") == "on"
    override_reason = request.POST.get("override_reason", "")
    if override_stale and not viewer.role.can_override_stale:
        raise PermissionDenied  # the box is not offered to this role; a crafted post gets 403
    context["override_reason"] = override_reason
    problem = None
    if upload is None:
        problem = _("Choose a workbook (.xlsx) or a CSV file to import.")
    elif Path(upload.name or "").suffix.lower() not in SUFFIXES:
        problem = _("Only .xlsx workbooks and .csv files can be imported; %(name)s is neither.") % {
            "name": upload.name}
    elif upload.size is None or upload.size > IMPORT_MAX_BYTES:
        problem = _("The file is larger than %(mb)s MB; split it by township and import each part.") % {
            "mb": IMPORT_MAX_BYTES // (1024 * 1024)}
    if problem or upload is None:
        return render(request, "web/import.html", {**context, "problem": problem}, status=400)
    from ...registry.importers import ImportFileError, import_file

    folder = _folder()
    _forget_old(folder)
    token = secrets.token_urlsafe(16)
    source = folder / f"{token}{Path(upload.name or '').suffix.lower()}"
    with source.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    errors_to = folder / f"{token}.errors.xlsx"
    try:
        result = import_file(source, by=viewer.username, dry_run=dry_run, errors_to=errors_to, within=viewer.region,
                             removals_allowed=allow_removals or dry_run, override_stale=override_stale,
                             override_reason=override_reason)
    except ImportFileError as exc:
        return render(request, "web/import.html", {**context, "problem": shown(exc.message)}, status=400)
    finally:
        source.unlink(missing_ok=True)
    if result.error_workbook is not None:
        kept = [t for t in request.session.get(_SESSION_KEY, []) if (folder / f"{t}.errors.xlsx").exists()]
        request.session[_SESSION_KEY] = [*kept[-4:], token]
    from ...registry.importers.issues import display_value

    issues = [(i.sheet, i.row or "", i.column, i.header, display_value(i.value), shown(i.message), i.is_error)
              for i in result.issues[:SHOWN_ERRORS]]
    return render(request, "web/import.html", {
        **context, "result": result, "report": result.report, "dry_run": dry_run, "name": upload.name,
        "issues": issues, "more": max(0, len(result.issues) - SHOWN_ERRORS),
        "errors_token": token if result.error_workbook is not None else "",
        "left": [(number, name, masking.resident_id(viewer.role, rid)) for number, name, rid in
                 (result.report.left if result.report else [])],
    }, status=200 if not (result.errors or result.removals_refused) else 400)


@viewer_required(edit=True)
def import_errors_view(request: HttpRequest, viewer: Viewer, token: str) -> HttpResponseBase:
    if token not in request.session.get(_SESSION_KEY, []):
        raise Http404
    path = _folder() / f"{token}.errors.xlsx"
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename="liangfang-import.errors.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@viewer_required()
def template_view(request: HttpRequest, viewer: Viewer) -> HttpResponseBase:
    """The blank registry workbook, as ``liangfang template`` writes it."""
    import tempfile

    from ...registry.importers import write_template

    with tempfile.TemporaryDirectory() as folder:
        path = write_template(Path(folder) / "liangfang-template.xlsx")
        data = path.read_bytes()
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="liangfang-template.xlsx"'
    return response
