"""A county's verification samples (第三方评估抽样): draw one, download its field list and
questionnaires, see the figures estimated from it. The same services as ``liangfang sample``."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ...assessments.models import CountyVerification
from ...assessments.sampling import sample_draw
from ...assessments.sampling_models import VerificationSample
from ...registry.services.errors import ValidationFailed
from ..permissions import Viewer, region_for, viewer_required
from ..text import is_zh

EXAMPLE = "seed: 2020\nvillages_per_township: 3\nhouseholds_per_village: {exited: 20, general: 10}\n"


def _t(zh: str, en: str) -> str:
    return zh if is_zh() else en


def _county(viewer: Viewer, code: str):  # type: ignore[no-untyped-def]
    region = region_for(viewer, code)
    if region.level != "county":
        raise Http404
    return region


@require_http_methods(["GET", "POST"])
@viewer_required()
def samples_view(request: HttpRequest, viewer: Viewer, code: str) -> HttpResponse:
    county = _county(viewer, code)
    errors: list[str] = []
    design, year = EXAMPLE, ""
    if request.method == "POST":
        if not viewer.can_edit:
            raise Http404
        design, year = request.POST.get("design", "")[:100_000], request.POST.get("year", "")
        try:
            record = sample_draw(county_code=county.code, year=int(year), design_text=design, source="form",
                                 by=request.user.get_username())
        except ValueError:
            errors.append(_t("年度须为整数", "the year must be a whole number"))
        except ValidationFailed as failed:
            errors += [f"{p.field}: {p.message}" for p in failed.problems]
        else:
            return redirect(f"{request.path}#sample-{record.pk}")
    samples = list(VerificationSample.objects.filter(county=county).order_by("-pk"))
    figures = {f.sample_id: f for f in CountyVerification.objects.filter(county=county, sample__isnull=False)}
    rows = [(s, s.households.count(), figures.get(s.pk)) for s in samples]
    return render(request, "web/samples.html", {"viewer": viewer, "region": county, "rows": rows, "t": _t,
                                                "errors": errors, "design": design, "year": year,
                                                "upload_errors": [], "upload_sample": None},
                  status=400 if errors else 200)


MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a field list of a few thousand households is well under 1 MB


@require_http_methods(["POST"])
@viewer_required(edit=True)
def sample_results_view(request: HttpRequest, viewer: Viewer, sample_id: int) -> HttpResponse:
    """Upload the teams' filled-in workbook (all or nothing), then estimate and record the figures."""
    from ...assessments.field_workbook import import_field_workbook
    from ...assessments.sampling import sample_estimate

    record = VerificationSample.objects.select_related("county").filter(pk=sample_id).first()
    if record is None or not viewer.covers(record.county):
        raise Http404
    upload = request.FILES.get("workbook")
    errors: list[str] = []
    if upload is None:
        errors.append(_t("请选择填好的入户名单（xlsx）", "choose the filled-in field list (xlsx)"))
    elif upload.size is None or upload.size > MAX_UPLOAD_BYTES:
        errors.append(_t("文件超过 20 MB", "the file is larger than 20 MB"))
    else:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "results.xlsx"
            with open(path, "wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
            try:
                import_field_workbook(record, path)
                sample_estimate(sample_id=record.pk, by=request.user.get_username())
            except ValidationFailed as failed:
                errors += [(_t(f"第 {p.item} 行 · ", f"row {p.item} · ") if p.item else "") + f"{p.field}: {p.message}"
                           for p in failed.problems]
    if errors:
        samples = list(VerificationSample.objects.filter(county=record.county).order_by("-pk"))
        figures = {f.sample_id: f for f in CountyVerification.objects.filter(county=record.county,
                                                                             sample__isnull=False)}
        return render(request, "web/samples.html", {
            "viewer": viewer, "region": record.county, "t": _t, "errors": [], "upload_errors": errors,
            "upload_sample": record.pk, "design": EXAMPLE, "year": "",
            "rows": [(s, s.households.count(), figures.get(s.pk)) for s in samples]}, status=400)
    return redirect(f"/region/{record.county.code}/samples/#sample-{record.pk}")


@viewer_required()
def sample_file_view(request: HttpRequest, viewer: Viewer, sample_id: int, kind: str) -> FileResponse:
    from ...assessments.field_workbook import write_field_workbook
    from ...assessments.questionnaires import write_questionnaires

    record = VerificationSample.objects.select_related("county").filter(pk=sample_id).first()
    if record is None or not viewer.covers(record.county):
        raise Http404
    suffix = {"field-list": ".xlsx", "questionnaires": ".pdf"}.get(kind)
    if suffix is None:
        raise Http404
    handle = tempfile.NamedTemporaryFile(suffix=suffix)  # noqa: SIM115  (closed by the response)
    path = Path(handle.name)
    if kind == "field-list":
        write_field_workbook(record, path)
    else:
        write_questionnaires(record, path)
    return FileResponse(open(path, "rb"), as_attachment=True,
                        filename=f"sample-{record.pk}-{kind}{suffix}")
