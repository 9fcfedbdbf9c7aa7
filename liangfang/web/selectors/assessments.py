"""Assessment results on the web pages, read from the assessments app's stored, dated runs
(``liangfang/assessments``): the household page's explanation, the dashboard's indicator pass
rates and the list's "failing indicator" filter. All use the newest run (latest year, then the
latest started), so the pages agree with each other."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from ...assessments.models import AssessmentRun, HouseholdResult, IndicatorResult
from ...assessments.selectors import Explanation, household_explanation
from ...disclosure import Reader
from ...prepared import Prepared
from ...registry.models import Household, Region
from ...registry.selectors import households_in, percent
from ..text import is_zh

FAILING = ("fail", "no_data")


RUN_CHECK_SECONDS = 30


def latest_run() -> AssessmentRun | None:
    """The newest finished run, looked up at most every 30 seconds (a new run shows on the pages
    within that time). The pack snapshot is large: it is read only when needed."""
    found = cache.get("liangfang:latest-run")
    if found is None:
        run = (AssessmentRun.objects.filter(finished_at__isnull=False).defer("pack_snapshot", "summary")
               .order_by("-year", "-started_at").first())
        found = (run,)
        cache.set("liangfang:latest-run", found, RUN_CHECK_SECONDS)
    return found[0]


def _names(run: AssessmentRun) -> dict[str, tuple[str, str]]:
    """Household indicator code → (zh, en) name, as the run's pack named them; cached per run."""
    key = f"liangfang:indicators:{run.pk}:{run.started_at.timestamp()}"
    names = cache.get(key)
    if names is None:
        names = {code: (ind.name.zh, ind.name.en) for code, ind in run.policy().indicators("household").items()}
        cache.set(key, names, 24 * 3600)
    return names


def indicator_choices() -> list[tuple[str, str]]:
    run = latest_run()
    if run is None:
        return []
    return [(code, zh if is_zh() else en) for code, (zh, en) in _names(run).items()]


_NEWEST_RESULT = Prepared(lambda household_id: HouseholdResult.objects
                          .filter(household_id=household_id, run__finished_at__isnull=False)
                          .select_related("run").defer("run__pack_snapshot", "run__summary")
                          .order_by("-run__year", "-run__started_at")[:1])


def household_assessment(household: Household, reader: Reader) -> Explanation | None:
    """The explanation of the newest run that assessed this household (None when none did), as
    ``reader`` may read it."""
    row = _NEWEST_RESULT.first(household_id=household.pk)
    if row is None:
        return None
    return household_explanation(row.run, household, "zh" if is_zh() else "en", row, reader)


def failing_households(qs: QuerySet[Household], run_id: int, indicator: str) -> QuerySet[Household]:
    """Households the run found failing ``indicator`` (no data counts as failing)."""
    failing = IndicatorResult.objects.filter(run_id=run_id, level="household", indicator=indicator,
                                             status__in=FAILING).values("subject_id")
    return qs.filter(pk__in=failing)


def failing_indicators(numbers: list[str]) -> dict[str, list[str]]:
    """Household number → names of the indicators the newest run found it failing (no data counts as
    failing), for one page of the list: one query whatever the page's size."""
    run = latest_run()
    if run is None or not numbers:
        return {}
    names = _names(run)
    number = Subquery(Household.objects.filter(pk=OuterRef("subject_id")).values("number")[:1])
    found: dict[str, list[str]] = {}
    for household, indicator in (IndicatorResult.objects
                                 .filter(run_id=run.pk, level="household", status__in=FAILING,
                                         subject_id__in=Household.objects.filter(number__in=numbers).values("pk"))
                                 .annotate(number=number).order_by("subject_id", "id")
                                 .values_list("number", "indicator")):
        zh, en = names.get(indicator, (indicator, indicator))
        found.setdefault(household, []).append(zh if is_zh() else en)
    return found


@dataclass(frozen=True)
class PassRate:
    indicator: str
    name: str
    passed: int
    assessed: int

    @property
    def percent(self) -> Decimal:
        return percent(self.passed, self.assessed, "0.1")


def pass_rates(region: Region) -> tuple[AssessmentRun | None, list[PassRate]]:
    """Per household indicator: households of the region passing it in the newest run."""
    run = latest_run()
    if run is None:
        return None, []
    key = f"liangfang:passrates:{region.pk}:{run.pk}:{run.started_at.timestamp()}"
    counts = cache.get(key)
    if counts is None:
        rows = (IndicatorResult.objects.filter(run=run, level="household",
                                               subject_id__in=households_in(region).values("pk"))
                .values("indicator").annotate(n=Count("id"), ok=Count("id", filter=Q(status="pass")))
                .values_list("indicator", "ok", "n"))
        counts = {code: (ok, n) for code, ok, n in rows}
        cache.set(key, counts, 3600)
    names = _names(run)
    return run, [PassRate(code, zh if is_zh() else en, *counts[code])
                 for code, (zh, en) in names.items() if code in counts]
