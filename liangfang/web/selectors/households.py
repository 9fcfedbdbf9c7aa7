"""The household list: search, filters, sorting and the per-row details of one page, in a fixed
number of queries whatever the page size."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ...registry.codes import code_list
from ...registry.models import Cadre, CadrePairing, Household, Member, Region
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
    household: Household
    head_name: str
    head_resident_id: str
    people: int
    cadre: str  # the responsible cadre's name


def page_rows(households: Sequence[Household]) -> list[Row]:
    """Heads, sizes and responsible cadres of one page: two queries for the whole page."""
    ids = [h.pk for h in households]
    heads: dict[int, tuple[str, str]] = {}
    sizes: dict[int, int] = {}
    for household_id, relation, name, resident_id in Member.objects.filter(
            household_id__in=ids, is_active=True).values_list("household_id", "relation", "name", "resident_id"):
        sizes[household_id] = sizes.get(household_id, 0) + 1
        if relation == "head":
            heads[household_id] = (name, resident_id)
    cadres = dict(CadrePairing.objects.filter(household_id__in=ids, end_date=None)
                  .values_list("household_id", "cadre__name"))
    return [Row(household=h, head_name=heads.get(h.pk, ("", ""))[0], head_resident_id=heads.get(h.pk, ("", ""))[1],
                people=sizes.get(h.pk, 0), cadre=cadres.get(h.pk, "")) for h in households]


def villages_in(region: Region) -> QuerySet[Region]:
    from ...registry.selectors import significant_prefix

    if region.level == "village":
        return Region.objects.filter(pk=region.pk)
    return Region.objects.filter(level="village", code__startswith=significant_prefix(region))


@dataclass(frozen=True)
class ListChoices:
    villages: list[tuple[str, str]]  # (code, name) in the viewer's region
    cadres: list[tuple[int, str]]  # cadres with an open pairing in the listed region


def list_choices(scope: Region, region: Region) -> ListChoices:
    """Choices of the list's village and cadre filters, kept for a minute: a county's thousand
    villages are not read on every page (a new village or pairing shows within the minute)."""
    from ...registry.selectors import households_in

    key = f"liangfang:choices:{scope.pk}:{region.pk}"
    found = cache.get(key)
    if found is None:
        paired = CadrePairing.objects.filter(end_date=None, household__in=households_in(region)).values("cadre_id")
        found = ListChoices(
            villages=list(villages_in(scope).order_by("code").values_list("code", "name")),
            cadres=[(pk, f"{name}（{unit}）") for pk, name, unit in
                    Cadre.objects.filter(pk__in=paired).order_by("name", "id").values_list("pk", "name", "unit_name")])
        cache.set(key, found, 60)
    return found


def all_cadre_choices(limit: int = 5000) -> list[tuple[int, str]]:
    """Every cadre (the pairing form may name one not yet paired in the region)."""
    return [(c.pk, f"{c.name}（{c.unit_name}）") for c in
            Cadre.objects.order_by("name", "id").only("name", "unit_name")[:limit]]
