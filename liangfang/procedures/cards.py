"""The household card (明白卡): what a cadre hands to the family — the household and its members
(resident IDs masked), the responsible cadre and their phone, the policies the household receives
(the year's transfers), its plan's measures with amounts, and the year's income. One PDF per
household, or one per village (a card per page).

A card is built for the reader who asks for it, by the rules of ``disclosure`` that the household
page follows: a health measure (健康扶贫, an illness fund, a rule reading a health field) is left
out whole — line, cost and its part of the total — for a reader without health facts
(``plans.withheld.measure_withheld``); for a reader with them it is printed with its line only
(健康扶贫), since the card hangs in the family's home. Resident IDs are printed masked (none for a
reader shown none); the household's own phone and bank account are never printed.

Reads in a fixed number of queries per batch of households, whatever their number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..disclosure import Reader, is_health_measure
from ..domain.codes import code_list
from ..ids import mask_resident_id
from ..plans.catalogue import catalogue_for
from ..plans.models import Plan, PlanMeasure
from ..plans.withheld import measure_withheld
from ..policy.loader import load_pack
from ..registry.models import CadrePairing, Household, IncomeRecord, Member
from ..registry.models.incomes import TRANSFER_ITEMS
from .pdf import htmls_to_pdf, render_html


@dataclass
class CardMember:
    name: str
    relation: str
    resident_id: str
    sex: str


@dataclass
class CardCadre:
    name: str
    unit: str
    post: str
    phone: str


@dataclass
class CardLine:
    name: str
    amount: str
    person: str = ""
    due: str = ""


@dataclass
class CardIncome:
    net: str
    per_capita: str
    wage: str
    business: str
    property: str
    transfer: str
    expense: str


@dataclass
class Card:
    year: int
    number: str
    place: str
    head: str
    size: int
    attribute: str
    status: str
    members: list[CardMember]
    cadre: CardCadre | None
    policies: list[CardLine]
    measures: list[CardLine]
    measures_total: str
    income: CardIncome | None


def _money(v: Decimal) -> str:
    return f"{v:,.2f}"


def _label(list_name: str, code: str) -> str:
    return code_list(list_name).label(code) if code else ""


def _card_id(reader: Reader, resident_id: str) -> str:
    """A member's resident ID as every card prints it: masked, or not at all for a reader shown none."""
    return mask_resident_id(resident_id) if resident_id and reader.resident_id != "hidden" else ""


def cards_for(households: Sequence[Household], year: int, reader: Reader, pack: str = "cn-national") -> list[Card]:
    """The cards of ``households`` for ``year`` as ``reader`` may read them (a fixed number of
    queries for the whole batch)."""
    ids = [h.pk for h in households]
    members: dict[int, list[Member]] = defaultdict(list)
    for m in Member.objects.filter(household_id__in=ids, is_active=True).order_by("household_id", "id").only(
            "household_id", "name", "relation", "resident_id", "sex"):
        members[m.household_id].append(m)
    cadres = {p.household_id: p.cadre for p in CadrePairing.objects.filter(
        household_id__in=ids, end_date__isnull=True).select_related("cadre")}
    incomes = {r.household_id: r for r in IncomeRecord.objects.filter(household_id__in=ids, year=year)}
    plans = {pk: (household, plan_pack) for pk, household, plan_pack in Plan.objects.filter(
        household_id__in=ids, year=year, status="accepted").values_list("pk", "household_id", "pack")}
    measures: dict[int, list[PlanMeasure]] = defaultdict(list)
    for pm in PlanMeasure.objects.filter(plan_id__in=list(plans), status__in=["accepted", "changed"]).select_related(
            "member").order_by("plan_id", "id"):
        household_id, plan_pack = plans[pm.plan_id]
        if not measure_withheld(reader, plan_pack, pm.measure, pm.category, pm.fund_source):
            measures[household_id].append(pm)
    cat = catalogue_for(load_pack(pack)).catalogue
    transfer_names = {f: str(getattr(IncomeRecord._meta.get_field(f), "verbose_name", f)) for f in TRANSFER_ITEMS}
    out = []
    for h in households:
        people = members.get(h.pk, [])
        head = next((m.name for m in people if m.relation == "head"), "")
        cadre = cadres.get(h.pk)
        income = incomes.get(h.pk)
        lines = []
        for pm in measures.get(h.pk, []):
            spec = cat.measures.get(pm.measure)
            if spec is not None and is_health_measure(spec.category, pm.fund_source, eligible=spec.eligible):
                # the name of a health measure says what illness someone has: only its line is printed
                category = cat.categories.get(spec.category)
                name = category.name.zh if category else "健康帮扶"
            else:
                name = spec.name.zh if spec else pm.measure
            lines.append(CardLine(name, _money(pm.cost), pm.member.name if pm.member else "全户",
                                  f"{pm.due_date:%Y-%m-%d}"))
        out.append(Card(
            year=year, number=h.number,
            place=f"{h.village.parent.name if h.village.parent else ''}{h.village.name}{h.group_name}",
            head=head, size=len(people), attribute=_label("poverty_attribute", h.poverty_attribute),
            status=_label("household_status", h.status),
            members=[CardMember(m.name, _label("relation", m.relation), _card_id(reader, m.resident_id),
                                _label("sex", m.sex)) for m in people],
            cadre=CardCadre(cadre.name, cadre.unit_name, cadre.post, cadre.phone) if cadre else None,
            policies=[CardLine(transfer_names[f], _money(getattr(income, f))) for f in TRANSFER_ITEMS
                      if income is not None and getattr(income, f) > 0],
            measures=lines, measures_total=_money(sum((pm.cost for pm in measures.get(h.pk, [])), Decimal(0))),
            income=CardIncome(_money(income.net_income), _money(income.per_capita_net_income),
                              _money(income.wage_income), _money(income.business_income),
                              _money(income.property_income), _money(income.transfer_income),
                              _money(income.business_expense)) if income else None,
        ))
    return out


def village_households(village_id: int) -> list[Household]:
    return list(Household.objects.filter(village_id=village_id, is_registered=True).select_related("village__parent")
                .order_by("number"))


# Cards per part of a long PDF laid out in its own process (see ``pdf.htmls_to_pdf``).
PART = 100


def cards_html(households: Sequence[Household], year: int, reader: Reader, title: str = "帮扶明白卡") -> str:
    return render_html("cards.html", cards=cards_for(households, year, reader), title=title, page_numbers=False)


def cards_pdf(households: Sequence[Household], year: int, reader: Reader, title: str = "帮扶明白卡") -> bytes:
    """One card a page, as ``reader`` may read it; a village's cards are laid out in parts of
    ``PART`` at once."""
    cards = cards_for(households, year, reader)
    parts = [render_html("cards.html", cards=cards[i:i + PART], title=title, page_numbers=False)
             for i in range(0, max(len(cards), 1), PART)]
    return htmls_to_pdf(parts)


__all__ = ["Card", "cards_for", "cards_html", "cards_pdf", "village_households"]
