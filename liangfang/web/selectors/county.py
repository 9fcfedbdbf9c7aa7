"""What the county explanation page reads: the county's assessment result in a year (with the run
it comes from, i.e. the data's date), its verification figures (sample or hand entry) and the
registry measures with their standard errors and 95% intervals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from ...assessments import selectors as assessment_selectors
from ...assessments.models import AssessmentRun, CountyVerification
from ...assessments.services import database_dialect
from ...assessments.verification_notes import verification_notes
from ...domain.problems import NotFound
from ...engine.session import dbapi_session
from ...measures.area import DEFAULT_K, AreaReport, area_report
from ...measures.arguments import MeasureError
from ...policy.schema import Pack
from ...registry.models import ChangeRecord, Region


@dataclass(frozen=True)
class CountyExplanation:
    county: Region
    year: int
    computed_at: dt.datetime  # the registry measures are computed from the data as of this moment
    run: AssessmentRun | None  # the latest assessment of the year (the county's verdict and indicators)
    explanation: Any  # assessments.selectors.Explanation, or None without a run or a county result
    changed_since_run: int  # changes recorded in the county's households after the run started
    verification: CountyVerification | None
    verification_notes: list[str]
    report: AreaReport | None
    report_error: str


def county_explanation(county: Region, pack: Pack, year: int, lang: str) -> CountyExplanation:
    run = AssessmentRun.objects.filter(year=year, pack=pack.pack, finished_at__isnull=False).order_by(
        "-started_at").first()
    explanation = None
    changed = 0
    if run is not None:
        try:
            explanation = assessment_selectors.area_explanation(run, county, lang)
        except NotFound:
            explanation = None
        # household numbers begin with the village's code, and so with the county's first six digits
        changed = ChangeRecord.objects.filter(at__gt=run.started_at,
                                              household_number__startswith=county.code[:6]).count()
    verification = CountyVerification.objects.filter(county=county, year=year).first()
    notes = verification_notes(county, year, pack, lang) if verification is not None else []
    report: AreaReport | None = None
    error = ""
    try:
        report = area_report(dbapi_session(connection, database_dialect()), pack, year, county.code, k=DEFAULT_K,
                             lang=lang)
    except MeasureError as problem:
        error = str(problem)
    return CountyExplanation(county, year, timezone.now(), run, explanation, changed, verification, notes, report,
                             error)


__all__ = ["CountyExplanation", "county_explanation"]
