"""The household list: search, filters, sorting and the per-row details of one page, in a fixed
number of queries whatever the page size."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ...registry.codes import code_list
from ...registry.models import Cadre, CadrePairing, Household, Member, Region
from ..filters import options_html
from ..permissions import Viewer, visible_households
from .people import GAPS, coverage_conditions

_RESIDENT_ID = re.compile(r"^(\d{17}[\dXx]|\d{15})$")
STATUS_GROUPS = {"registered": ("not_exited", "exited", "relapsed"), "remaining": ("not_exited", "relapsed")}
SORTS = {
    "number": ("number",), "-number": ("-number",),
    "village": ("village__code", "number"), "-village": ("-village__code", "-number"),
    "status": ("status", "number"), "-status": ("-status", "-number"),
    "updated": ("updated_at", "number"), "-updated": ("-updated_at", "-number"),
    "people": ("people", "number"), "-people": ("-people", "-number"),
}
PAGE_SIZE = 50


@dataclass(frozen=True)
class ListFilters:
    q: str = ""
    region: str = ""
    status: str = ""
    attribute: str = ""
    cause: str = ""
    grade: str = ""
    gap: str = ""
    cadre: str = ""
    failing: str = ""
    sort: str = "number"

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> ListFilters:
        values = {f.name: str(params.get(f.name, "") or "").strip()[:60] for f in fields(cls)}
        if values["sort"] not in SORTS:
            values["sort"] = "number"
        return cls(**values)

    def query(self, **overrides: str) -> str:
        """The URL query string of these filters (empty values left out)."""
        data = {**{f.name: getattr(self, f.name) for f in fields(self)}, **overrides}
        if data.get("sort") == "number":
            data.pop("sort")
        return urlencode({k: v for k, v in data.items() if v})

    def with_(self, **changes: str) -> ListFilters:
        return replace(self, **changes)


def _search(qs: QuerySet[Household], text: str) -> QuerySet[Household]:
    if _RESIDENT_ID.match(text):
        holders = Member.objects.filter(resident_id=text.upper()).values("household_id")
        return qs.filter(pk__in=holders)
    if text.isdigit():
        return qs.filter(number__startswith=text)
    named = Member.objects.filter(name__startswith=text).values("household_id")
    return qs.filter(pk__in=named)


def filtered_households(viewer: Viewer, f: ListFilters, region: Region | None = None) -> QuerySet[Household]:
    """Households the viewer may see that match the filters (``region`` already checked to lie
    inside the viewer's region)."""
    from ...registry.selectors import households_in

    qs = households_in(region) if region is not None else visible_households(viewer)
    if f.q:
        qs = _search(qs, f.q)
    if f.status in STATUS_GROUPS:
        qs = qs.filter(status__in=STATUS_GROUPS[f.status])
    elif f.status in code_list("household_status").codes:
        qs = qs.filter(status=f.status)
    if f.attribute:
        qs = qs.filter(poverty_attribute=f.attribute)
    if f.cause:
        qs = qs.filter(Q(main_cause=f.cause) | Q(other_cause_1=f.cause) | Q(other_cause_2=f.cause))
    if f.grade:
        qs = qs.filter(housing_grade=f.grade)
    if f.gap in GAPS:
        counted, covered = coverage_conditions(timezone.localdate())[f.gap]
        lacking = Member.objects.filter(counted, ~covered, household=OuterRef("pk"), is_active=True)
        qs = qs.filter(Exists(lacking))
    if f.cadre.isdigit():
        paired = CadrePairing.objects.filter(cadre_id=int(f.cadre), end_date=None).values("household_id")
        qs = qs.filter(pk__in=paired)
    if f.failing:
        from .assessments import failing_households

        qs = failing_households(qs, f.failing)
    if f.sort in ("people", "-people"):
        qs = qs.annotate(people=Count("members", filter=Q(members__is_active=True)))
    return qs.order_by(*SORTS[f.sort])


@dataclass(frozen=True)
class Row:
    number: str
    village: str
    status: str
    poverty_attribute: str
    main_cause: str
    head_name: str
    head_resident_id: str
    people: int
    cadre: str  # the responsible cadre's name


ROW_FIELDS = ("number", "village__name", "status", "poverty_attribute", "main_cause")


def with_row_details(qs: QuerySet[Household]) -> QuerySet[Household]:
    """The list's columns for each household — village, head, size and responsible cadre — read in
    the same query as the households themselves (an index probe per row for each detail), as plain
    values: a page of 50 rows costs one query and no model instances."""
    active = Member.objects.filter(household=OuterRef("pk"), is_active=True)
    head = active.filter(relation="head").order_by("id")
    size = active.order_by().values("household").annotate(n=Count("id")).values("n")
    cadre = CadrePairing.objects.filter(household=OuterRef("pk"), end_date=None).values("cadre__name")[:1]
    return qs.values(*ROW_FIELDS).annotate(
        row_head_name=Subquery(head.values("name")[:1]),
        row_head_resident_id=Subquery(head.values("resident_id")[:1]),
        row_people=Coalesce(Subquery(size[:1], output_field=IntegerField()), 0),
        row_cadre=Subquery(cadre))


def page_rows(values: Sequence[dict[str, Any]]) -> list[Row]:
    """Rows of one page read with ``with_row_details``."""
    return [Row(number=v["number"], village=v["village__name"], status=v["status"],
                poverty_attribute=v["poverty_attribute"], main_cause=v["main_cause"],
                head_name=v["row_head_name"] or "", head_resident_id=v["row_head_resident_id"] or "",
                people=v["row_people"], cadre=v["row_cadre"] or "") for v in values]


def villages_in(region: Region) -> QuerySet[Region]:
    from ...registry.selectors import significant_prefix

    if region.level == "village":
        return Region.objects.filter(pk=region.pk)
    return Region.objects.filter(level="village", code__startswith=significant_prefix(region))


@dataclass(frozen=True)
class ListChoices:
    villages_html: str  # escaped <option> elements of the villages in the viewer's region
    cadres: list[tuple[int, str]]  # cadres with an open pairing in the listed region


def _villages_html(scope: Region) -> str:
    """The village options of a region, kept for a minute in the shared cache: a county's thousand
    villages are neither read nor rendered on every page (a new village shows within the minute)."""
    key = f"liangfang:village-options:{scope.pk}"
    html = cache.get(key)
    if html is None:
        html = options_html(villages_in(scope).order_by("code").values_list("code", "name"))
        cache.set(key, html, 60)
    return str(html)


def list_choices(scope: Region, region: Region) -> ListChoices:
    """Choices of the list's village and cadre filters: the villages of the viewer's region and
    the cadres paired in the listed region (read each time: an index probe per household of the
    region, about a millisecond for a village)."""
    from ...registry.selectors import households_in

    paired = CadrePairing.objects.filter(end_date=None, household__in=households_in(region)).values("cadre_id")
    return ListChoices(
        villages_html=_villages_html(scope),
        cadres=[(pk, f"{name}（{unit}）") for pk, name, unit in
                Cadre.objects.filter(pk__in=paired).order_by("name", "id").values_list("pk", "name", "unit_name")])


def all_cadre_choices(limit: int = 5000) -> list[tuple[int, str]]:
    """Every cadre (the pairing form may name one not yet paired in the region)."""
    return [(c.pk, f"{c.name}（{c.unit_name}）") for c in
            Cadre.objects.order_by("name", "id").only("name", "unit_name")[:limit]]
