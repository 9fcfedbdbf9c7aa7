"""The household list: search, filters, sorting and the per-row details of one page, in a fixed
number of queries whatever the page size."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, TypeVar, overload
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import CharField, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat

from ...disclosure import birth_date_visibility, shows_column
from ...domain.codes import code_list
from ...prepared import NotPreparable, Prepared
from ...registry.household_search import normalise as normalise_search
from ...registry.household_search import query_kind, search_condition
from ...registry.models import Cadre, CadrePairing, Household, Member, Region
from ..filters import options_html
from ..permissions import Viewer
from .people import GAPS, coverage_conditions, coverage_policy, members_counted


def is_resident_id_search(q: str) -> bool:
    """The search text is a full resident ID, typed in full-width digits too (the list then looks the
    person up by it)."""
    return query_kind(normalise_search(q)) == "resident_id"


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
        """The filters of a query string; a value no filter can use is a 400 (``web/params.py``)."""
        from .. import params as p

        cadre = p.integer(params, "cadre")
        return cls(
            q=p.text(params, "q", max_length=60), region=p.text(params, "region", max_length=12),
            status=p.choice(params, "status", {*STATUS_GROUPS, *code_list("household_status").codes}),
            attribute=p.choice(params, "attribute", code_list("poverty_attribute").codes),
            cause=p.choice(params, "cause", code_list("poverty_cause").codes),
            grade=p.choice(params, "grade", code_list("housing_grade").codes),
            gap=p.choice(params, "gap", GAPS), cadre="" if cadre is None else str(cadre),
            failing=p.text(params, "failing", max_length=60), sort=p.choice(params, "sort", SORTS, "number"))

    def query(self, **overrides: str) -> str:
        """The URL query string of these filters (empty values left out)."""
        data = {**{f.name: getattr(self, f.name) for f in fields(self)}, **overrides}
        if data.get("sort") == "number":
            data.pop("sort")
        return urlencode({k: v for k, v in data.items() if v})

    def sort_queries(self, keys: Sequence[str]) -> dict[str, str]:
        """The query string of these filters sorted by each key (descending when already sorted by it)."""
        rest = self.query(sort="number")  # "number" is the default, left out of the query
        out = {}
        for key in keys:
            sort = ("-" + key) if self.sort == key else key
            out[key] = rest if sort == "number" else "&".join(p for p in (rest, urlencode({"sort": sort})) if p)
        return out

    def with_(self, **changes: str) -> ListFilters:
        return replace(self, **changes)


def _split(viewer: Viewer, f: ListFilters, region: Region | None) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The list query's shape (which filters are set, how it is sorted) and the values it compares
    with. Queries of one shape differ only in their values, so the SQL of each shape is kept."""
    from ...registry.selectors import significant_prefix
    from .assessments import latest_run

    region = region or viewer.region
    shape: list[Any] = [f.sort]
    values: dict[str, Any] = {}
    if region.level == "village":
        values["village_id"] = region.pk
    else:
        values["prefix"] = significant_prefix(region)
    typed = normalise_search(f.q)
    if typed:
        kind = query_kind(typed)
        if viewer.role.resident_id != "full" and kind in ("id_tail", "digits") and len(typed) != 4:
            # a role shown masked IDs sees their last four only: other parts of an ID would let a
            # search confirm the hidden digits, so such digits find household numbers alone
            kind = "number"
        shape.append(("q", kind))
        values["q"] = typed
    if f.status in STATUS_GROUPS:
        shape.append(("status", f.status))
    elif f.status in code_list("household_status").codes:
        values["status"] = f.status
    for name in ("attribute", "cause", "grade"):
        if name == "cause" and not shows_column(viewer.role, "main_cause"):
            continue  # a count of households by cause would say who is ill (liangfang/disclosure.py)
        if getattr(f, name):
            values[name] = getattr(f, name)
    if f.gap in GAPS:
        # the day and ages of the newest assessment (a frozen, hashable policy: part of the shape)
        shape += [("gap", f.gap), ("coverage", coverage_policy()),
                  ("ages", birth_date_visibility(viewer.role))]
    if f.cadre.isdigit():
        values["cadre_id"] = int(f.cadre)
    if f.failing:
        run = latest_run()
        if run is None:
            shape.append(("failing", "no run"))
        else:
            values.update(run_id=run.pk, indicator=f.failing)
    return (*shape, *sorted(values)), values


def _build(shape: tuple[Any, ...], values: Mapping[str, Any]) -> QuerySet[Household]:
    """The list query of this shape for these values: the one place the filters are written."""
    from .assessments import failing_households

    parts = {p[0]: p[1] for p in shape if isinstance(p, tuple)}
    v = values
    qs = Household.objects.all()
    if "village_id" in v:
        qs = qs.filter(village_id=v["village_id"])
    else:
        qs = qs.filter(village__code__startswith=v["prefix"])
    if "q" in parts:
        qs = qs.filter(search_condition(parts["q"], v["q"]))
    if parts.get("status") == "registered":  # the same households (a constraint says so), read by an index
        qs = qs.filter(is_registered=True)
    elif "status" in parts:
        qs = qs.filter(is_registered=True, status__in=STATUS_GROUPS[parts["status"]])
    elif "status" in v:
        qs = qs.filter(status=v["status"])
    if "attribute" in v:
        qs = qs.filter(poverty_attribute=v["attribute"])
    if "cause" in v:
        qs = qs.filter(Q(main_cause=v["cause"]) | Q(other_cause_1=v["cause"]) | Q(other_cause_2=v["cause"]))
    if "grade" in v:
        qs = qs.filter(housing_grade=v["grade"])
    if "gap" in parts:
        policy = parts["coverage"]
        # a reader shown birth years is answered by the ages reached in the year (the day would
        # tell a boundary year's birthdays apart: liangfang/disclosure.py)
        counted, covered = coverage_conditions(policy, parts["ages"] == "year")[parts["gap"]]
        qs = qs.filter(Exists(Member.objects.filter(counted, ~covered, members_counted(policy),
                                                    household=OuterRef("pk"))))
    if "cadre_id" in v:
        qs = qs.filter(pk__in=CadrePairing.objects.filter(cadre_id=v["cadre_id"], end_date=None).values("household_id"))
    if "failing" in parts:
        qs = qs.none()
    elif "run_id" in v:
        qs = failing_households(qs, v["run_id"], v["indicator"])
    if shape[0] in ("people", "-people"):
        qs = qs.annotate(people=Count("members", filter=Q(members__is_active=True)))
    return qs.order_by(*SORTS[shape[0]])


def filtered_households(viewer: Viewer, f: ListFilters, region: Region | None = None) -> QuerySet[Household]:
    """Households the viewer may see that match the filters (``region`` already checked to lie
    inside the viewer's region)."""
    return _build(*_split(viewer, f, region))


_KEPT: dict[tuple[Any, ...], Prepared[Household] | None] = {}
_UNSEEN: Any = object()
T = TypeVar("T")


def _kept(key: tuple[Any, ...], build: Callable[..., QuerySet[Household, Any]],
          use: Callable[[Prepared[Household]], T], otherwise: Callable[[], T]) -> T:
    """``use`` the kept SQL of a list query; ``otherwise`` (the ORM) for a shape whose values
    cannot be substituted — a code prefix, a date, the start of a name — remembered as such."""
    prepared = _KEPT.get(key, _UNSEEN)  # one lookup: another thread may clear the dict in between
    if prepared is _UNSEEN:
        if len(_KEPT) >= 512:
            _KEPT.clear()
        prepared = _KEPT[key] = Prepared(build)
    if prepared is not None:
        try:
            return use(prepared)
        except NotPreparable:  # raised while compiling, before anything ran
            _KEPT[key] = None
    return otherwise()


class HouseholdList:
    """The filtered list as the paginator reads it: its size and one page of rows (head, size and
    responsible cadre read in the same query). Both run as kept SQL when the filters compare values
    as they are (a village, a status group, a cause, a cadre…), else through the ORM."""

    def __init__(self, viewer: Viewer, f: ListFilters, region: Region | None = None) -> None:
        self.shape, self.values = _split(viewer, f, region)
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            shape, values = self.shape, self.values
            self._count = _kept(("count", *shape), lambda **v: _build(shape, v),
                                lambda kept: kept.count(**values), lambda: _build(shape, values).count())
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Row]:
        return iter(self[0:self.count()])

    @overload
    def __getitem__(self, page: int) -> Row: ...

    @overload
    def __getitem__(self, page: slice) -> list[Row]: ...

    def __getitem__(self, page: int | slice) -> Row | list[Row]:
        if isinstance(page, int):
            return self[page:page + 1][0]
        start, stop = page.start or 0, page.stop
        if stop is not None and stop <= start:
            return []
        shape, values = self.shape, self.values

        def rows(**v: Any) -> QuerySet[Household, Any]:
            return with_row_details(_build(shape, v))[start:stop]

        return page_rows(_kept(("rows", start, stop, *shape), rows,
                               lambda kept: kept.tuples(**values), lambda: list(rows(**values))))


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


def with_row_details(qs: QuerySet[Household]) -> QuerySet[Household, Any]:
    """The list's columns for each household — village, head, size and responsible cadre — read in
    the same query as the households themselves (an index probe per row for each detail), as plain
    tuples (``page_rows`` reads them): a page of 50 rows costs one query and no model instances."""
    active = Member.objects.filter(household=OuterRef("pk"), is_active=True)
    head = active.filter(relation="head").order_by("id")
    size = active.order_by().values("household").annotate(n=Count("id")).values("n")
    cadre = CadrePairing.objects.filter(household=OuterRef("pk"), end_date=None).values("cadre__name")[:1]
    # the head's name and resident ID in one probe, joined by a separator a resident ID never holds
    head_both = head.annotate(both=Concat("name", Value(_SEPARATOR), "resident_id", output_field=CharField()))
    return qs.values_list(*ROW_FIELDS).annotate(
        row_head=Subquery(head_both.values("both")[:1]),
        row_people=Coalesce(Subquery(size[:1], output_field=IntegerField()), 0),
        row_cadre=Subquery(cadre))


_SEPARATOR = "\x1f"


def page_rows(values: Iterable[Sequence[Any]]) -> list[Row]:
    """Rows of one page read with ``with_row_details``."""
    rows = []
    for number, village, status, attribute, cause, head, people, cadre in values:
        name, _, resident_id = (head or "").rpartition(_SEPARATOR)
        rows.append(Row(number=number, village=village, status=status, poverty_attribute=attribute, main_cause=cause,
                        head_name=name, head_resident_id=resident_id, people=people, cadre=cadre or ""))
    return rows


@dataclass(frozen=True)
class ListChoices:
    regions_html: str  # escaped <option> elements of the region filter (see region_choices)
    cadres_html: str  # escaped <option> elements of the cadres with an open pairing in the listed region


CHOICES_SECONDS = 60


def _options_kept(key: str, choices: Callable[[], Iterable[tuple[Any, Any]]]) -> str:
    """Escaped <option> elements of ``choices``, kept ``CHOICES_SECONDS`` in the shared cache."""
    html = cache.get(key)
    if html is None:
        html = options_html(choices())
        cache.set(key, html, CHOICES_SECONDS)
    return str(html)


INDENT = "\u3000"  # an ideographic space per level below the viewer's region


def region_choices(scope: Region, listed: Region) -> list[tuple[str, str]]:
    """The region filter's choices, as a tree opened along the way to the listed region: the
    divisions directly under the viewer's region (a county's townships), and under the one that is
    or holds the listed region its own divisions (that township's villages), indented — one
    choice and one page lead to any village, without a county's thousand villages on every page.
    ``listed`` lies inside ``scope`` (``region_for`` checked it)."""
    from ...registry.selectors import code_prefix

    if scope.level == "village":
        return [(scope.code, scope.name)]
    out: list[tuple[str, str]] = []

    def under(parent_id: int, depth: int) -> None:
        below = (Region.objects.filter(parent_id=parent_id).exclude(level="group").order_by("code")
                 .values_list("pk", "code", "name", "level"))
        for pk, code, name, level in below:
            out.append((code, INDENT * depth + name))
            if level != "village" and listed.code.startswith(code_prefix(code, level)):
                under(pk, depth + 1)

    under(scope.pk, 0)
    return out


def _regions_html(scope: Region, listed: Region) -> str:
    """The region filter's options, kept a minute in the shared cache per viewer's region and
    opened division (a new village shows within the minute)."""
    opened = listed.parent_id if listed.level == "village" else listed.pk
    key = f"liangfang:region-options:{scope.pk}:{opened}"
    return _options_kept(key, lambda: region_choices(scope, listed))


def _cadres_html(region: Region) -> str:
    """The options of the cadres paired in a region, kept for a minute like the region options
    (a new pairing shows in the filter within the minute). A village's are one range of the open
    pairings' index by village and cadre."""
    from ...registry.selectors import significant_prefix

    def cadres() -> Iterable[tuple[int, str]]:
        found = (_VILLAGE_CADRES.tuples(village_id=region.pk) if region.level == "village" else _paired_cadres(
            CadrePairing.objects.filter(village__code__startswith=significant_prefix(region))))
        return ((pk, f"{name}（{unit}）") for pk, name, unit in found)

    return _options_kept(f"liangfang:cadre-options:{region.pk}", cadres)


def _paired_cadres(pairings: QuerySet[CadrePairing]) -> QuerySet[Cadre, tuple[int, str, str]]:
    """The cadres of the open ones of ``pairings``, by name."""
    paired = pairings.filter(end_date=None).values("cadre_id")
    return Cadre.objects.filter(pk__in=paired).order_by("name", "id").values_list("pk", "name", "unit_name")


_VILLAGE_CADRES = Prepared(lambda village_id: _paired_cadres(CadrePairing.objects.filter(village_id=village_id)))


def list_choices(scope: Region, region: Region) -> ListChoices:
    """Choices of the list's region and cadre filters: the divisions of the viewer's region opened
    along the way to the listed region, and the cadres paired in the listed region."""
    return ListChoices(regions_html=_regions_html(scope, region), cadres_html=_cadres_html(region))


CADRE_PICKS = 50


def cadre_choices(query: str, village: Region, selected: str = "") -> tuple[list[tuple[int, str]], int]:
    """The pairing form's cadre picker, searched on the server (a county has ~2,400 cadres: too many
    for one drop-down, and no script library from a CDN): cadres whose name, unit or phone contains
    ``query`` (full-width input normalised), else those already paired in ``village``; at most
    ``CADRE_PICKS``, with the number that matched. A ``selected`` cadre is always offered so that a
    choice made from an earlier search stays valid."""
    import unicodedata

    typed = unicodedata.normalize("NFKC", query).strip()
    qs = Cadre.objects.all()
    if typed:
        qs = qs.filter(Q(name__contains=typed) | Q(unit_name__contains=typed) | Q(phone__contains=typed))
    else:
        qs = qs.filter(pk__in=CadrePairing.objects.filter(village=village, end_date=None).values("cadre_id"))
    total = qs.count()
    picked = list(qs.order_by("name", "id").only("name", "unit_name")[:CADRE_PICKS])
    if selected.isdigit() and all(c.pk != int(selected) for c in picked):
        picked += list(Cadre.objects.filter(pk=int(selected)).only("name", "unit_name"))
    return [(c.pk, f"{c.name}（{c.unit_name}）") for c in picked], total
