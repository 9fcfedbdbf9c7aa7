"""Services of the third-party verification sample: draw it, bring the field results back, estimate
the three figures and record them as the county's verification figures. The arithmetic is in
``liangfang.measures.sampling`` / ``verification`` (no Django); this module reads and writes."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from ..measures.arguments import MeasureError
from ..measures.design import Estimate
from ..measures.sampling import Frame, SampleDesign, draw
from ..measures.verification import APPROVAL_ITEMS, ITEMS, FieldResult, VerificationEstimates, verification_estimates
from ..policy import load_pack
from ..registry.models import Household, Region
from ..registry.services.errors import Problem, ValidationFailed
from .models import CountyVerification
from .sampling_models import SampledHousehold, VerificationSample

DEFAULT_PACK = "cn-national"


def _county(code: str) -> Region:
    county = Region.objects.filter(code=code.strip(), level="county").first()
    if county is None:
        raise ValidationFailed([Problem(field="county", value=code,
                                        message="没有这个县级区划代码 / no county with this code")])
    return county


def _villages(county: Region) -> dict[int, tuple[str, str]]:
    """Village id → (village code, township code) for every village of the county."""
    townships = {r.pk: r.code for r in Region.objects.filter(parent=county, level="township")}
    found = {v.pk: (v.code, townships[int(v.parent_id or 0)])
             for v in Region.objects.filter(parent_id__in=townships, level="village")}
    found.update({v.pk: (v.code, v.code) for v in Region.objects.filter(parent=county, level="village")})
    return found


def sampling_frame(county: Region) -> Frame:
    """The county's households: registered and exited, general (never registered), others (not sampled)."""
    villages = _villages(county)
    rows = (Household.objects.filter(village_id__in=list(villages))
            .annotate(people=Count("members", filter=Q(members__is_active=True)))
            .values_list("id", "village_id", "is_registered", "status", "people").order_by("id"))
    ids, village, township, kind, people = [], [], [], [], []
    for hid, vid, registered, status, n in rows:
        ids.append(hid)
        village.append(villages[vid][0])
        township.append(villages[vid][1])
        kind.append("exited" if registered and status == "exited" else ("general" if not registered else ""))
        people.append(float(n))
    return Frame.of(ids, village, township, kind, people)


def sample_draw(*, county_code: str, year: int, design_text: str, source: str = "design",
                by: str) -> VerificationSample:
    """Draw and store the sample of the design; the same design and registry give the same households."""
    county = _county(county_code)
    try:
        design = SampleDesign.from_yaml(design_text, source)
    except MeasureError as error:
        raise ValidationFailed([Problem(field="design", value=source, message=error.problem)]) from None
    frame = sampling_frame(county)
    try:
        sample = draw(frame, design)
    except MeasureError as error:
        raise ValidationFailed([Problem(field=error.argument, value=county_code, message=error.problem)]) from None
    code_to_id = {code: vid for vid, (code, _) in _villages(county).items()}
    with transaction.atomic():
        record = VerificationSample.objects.create(county=county, year=year, design=design.to_yaml(), seed=design.seed,
                                                   frame_households=int(frame.household_id.size), drawn_by=by)
        SampledHousehold.objects.bulk_create([
            SampledHousehold(sample=record, household_id=int(h), kind=str(k), stratum=str(s), cluster=str(c),
                             village_id=code_to_id[str(v)], weight=float(w), village_probability=float(p))
            for h, k, s, c, v, w, p in zip(sample.household_id, sample.kind, sample.stratum, sample.cluster,
                                            sample.village, sample.weight, sample.village_probability, strict=True)])
    return record


def field_results(rows: Iterable[SampledHousehold]) -> dict[int, FieldResult]:
    results = {}
    for row in rows:
        if row.found is None:
            continue
        results[row.household_id] = FieldResult(
            row.household_id, bool(row.found), int(row.people or 0),
            None if row.income_per_capita is None else float(row.income_per_capita),
            {item: bool(getattr(row, item)) for item in ITEMS if getattr(row, item) is not None},
            {item: bool(getattr(row, f"approves_{item}")) for item in APPROVAL_ITEMS
             if getattr(row, f"approves_{item}") is not None}, row.notes)
    return results


def _as_sample(record: VerificationSample) -> tuple[object, list[SampledHousehold]]:
    import numpy as np

    from ..measures.sampling import Sample

    rows = list(record.households.all())
    def labels(name: str) -> np.ndarray:
        return np.array([getattr(r, name) for r in rows], dtype=object)

    sample = Sample(np.array([r.household_id for r in rows], dtype=np.int64), labels("stratum"), labels("cluster"),
                    labels("village_id"), labels("kind"), np.array([r.weight for r in rows]),
                    np.array([r.village_probability for r in rows]))
    return sample, rows


@dataclass(frozen=True)
class RecordedEstimates:
    sample: VerificationSample
    estimates: VerificationEstimates
    figures: CountyVerification


def _percent(value: float | None) -> Decimal | None:
    """A percentage for the figures' decimal columns; None when there is none (no such households, or a
    design too small for a standard error: one cluster in every stratum)."""
    return None if value is None or math.isnan(value) else Decimal(str(round(min(max(value, 0.0), 100.0), 3)))


def sample_estimate(*, sample_id: int, by: str, pack: str = DEFAULT_PACK) -> RecordedEstimates:
    """Estimate 错退率, 漏评率 and 认可度 from the imported field results, and record them (with their
    standard errors and intervals) as the county's verification figures for the year."""
    record = VerificationSample.objects.select_related("county").filter(pk=sample_id).first()
    if record is None:
        raise ValidationFailed([Problem(field="sample", value=sample_id, message="没有这个样本 / no such sample")])
    if record.results_imported_at is None:
        raise ValidationFailed([Problem(field="sample", value=sample_id, message=(
            "尚未导入入户核查结果：先运行 liangfang sample-results / the field results are not imported yet: run "
            "`liangfang sample-results` first"))])
    policy = load_pack(pack)
    entry = policy.poverty_lines.years.get(record.year)
    if entry is None:
        raise ValidationFailed([Problem(field="year", value=record.year, message=(
            f"政策包 {pack} 没有该年扶贫标准 / pack {pack} has no poverty line for the year"))])
    sample, rows = _as_sample(record)
    estimates = verification_estimates(sample, field_results(rows), float(entry.amount))  # type: ignore[arg-type]

    def parts(e: Estimate | None) -> tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]:
        if e is None:
            return None, None, None, None
        return _percent(e.value), _percent(e.se), _percent(e.low), _percent(e.high)

    wrong, missed, approval = (parts(estimates.wrong_exit_rate), parts(estimates.missed_poor_rate),
                               parts(estimates.public_approval))
    figures, _ = CountyVerification.objects.update_or_create(county=record.county, year=record.year, defaults={
        "wrong_exit_rate": wrong[0], "wrong_exit_se": wrong[1], "wrong_exit_low": wrong[2], "wrong_exit_high": wrong[3],
        "missed_poor_rate": missed[0], "missed_poor_se": missed[1], "missed_poor_low": missed[2],
        "missed_poor_high": missed[3],
        "public_approval": approval[0], "approval_se": approval[1], "approval_low": approval[2],
        "approval_high": approval[3],
        "wrong_exit_people": estimates.wrong_exit_people, "missed_poor_people": estimates.missed_poor_people,
        "sample": record, "recorded_by": by,
        "source": (f"样本 {record.pk}（{estimates.households_found}/{estimates.households_sampled} 户）/ "
                   f"sample {record.pk}"),
    })
    return RecordedEstimates(record, estimates, figures)


def mark_imported(record: VerificationSample) -> None:
    record.results_imported_at = timezone.now()
    record.save(update_fields=["results_imported_at"])
