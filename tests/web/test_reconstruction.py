"""A mask must remove information, not move it: for each persona, gather everything the role can
read — every household page with its change history, the list, the search, the export read back,
conflict messages — and try to rebuild each value the role is shown masked (resident IDs, phones,
bank accounts) from all of it together, as an attacker would: the masked forms merged position by
position, the birth date put back into the ID's hidden middle, the check character solved for.
A value counts as rebuilt when fewer than ``AT_LEAST`` candidates remain."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from collections.abc import Iterable

import pytest
from django.test import Client
from openpyxl import load_workbook

from liangfang.accounts.roles import ROLES, Role
from liangfang.assessments.services import assessment_run
from liangfang.ids import age_on, check_character, mask_resident_id
from liangfang.registry.models import Cadre, Household, Member
from liangfang.registry.services.households import household_create, income_set, member_add, member_update
from tests.factories import VILLAGE, household_data, income_data, member_data

pytestmark = pytest.mark.django_db

AT_LEAST = 10  # fewer candidates than this and a value is as good as known
MASKED_PERSONAS = ["reviewer", "cadre", "inspector"]  # each is shown some value masked


def _cell_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return "" if value is None else str(value)


def _export_texts(client: Client) -> list[str]:
    response = client.get("/households/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.getvalue()), read_only=True)
    return [_cell_text(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row]


def _conflict_texts(client: Client, household: Household, member: Member) -> list[str]:
    """What a stale edit is told: the changes made since, by someone else, to sensitive fields."""
    stale = Household.objects.get(pk=household.pk).version
    other = member_data("daughter", born=dt.date(1995, 7, 19), sex="female", phone="13700009999")
    member_add(household=household, data=other, expected_version=stale, by="someone")
    member_update(member=member, data={"phone": "13600001234"},
                  expected_version=Household.objects.get(pk=household.pk).version, by="someone")
    r = client.post(f"/households/{household.number}/members/{member.pk}/edit/",
                    {"version": stale, "name": member.name + "改"})
    assert r.status_code == 409, r.status_code
    return [r.content.decode()]


def everything_read(client: Client, persona: str) -> list[str]:
    texts = [client.get("/households/").content.decode()]
    numbers = re.findall(r'href="/households/([^/"]+)/"', texts[0])
    assert numbers
    for number in numbers:
        texts.append(client.get(f"/households/{number}/").content.decode())
        for m in Member.objects.filter(household__number=number):
            texts.append(client.get("/households/", {"q": m.name}).content.decode())
    texts += _export_texts(client)
    return texts


def _tokens(texts: Iterable[str], length: int) -> set[str]:
    """Every run of digits, X and * of this length: the forms in which a number is shown."""
    found: set[str] = set()
    pattern = re.compile(r"(?<![0-9X*])[0-9X*]{" + str(length) + r"}(?![0-9X*])")
    for text in texts:
        found.update(pattern.findall(text))
    return found


def _known_positions(value: str, texts: list[str]) -> dict[int, str]:
    """Positions of ``value`` that some shown form of it reveals (a form fits when every character
    it shows agrees with the value)."""
    known: dict[int, str] = {}
    for token in _tokens(texts, len(value)):
        if all(t == "*" or t == v for t, v in zip(token, value, strict=True)):
            known.update({i: t for i, t in enumerate(token) if t != "*"})
    return known


def _date_forms(day: dt.date) -> list[str]:
    return [day.isoformat(), day.strftime("%Y%m%d"), day.strftime("%Y/%m/%d"), f"{day.year}年{day.month}月{day.day}日"]


REFERENCE_DAY = dt.date(2020, 8, 31)  # the assessed year's reference day (the pack says it, publicly)
# An age said of a masked ID: 「220802********2490（之子，10 岁）」, "(son, age 10)"; not an age
# reached in a year (「2020 年满 11 岁」, "age 11 in 2020"), which the birth year alone gives.
_AGE_SAID = re.compile(r"(?<!满 )(?<![0-9])([0-9]{1,3}) 岁|age ([0-9]{1,3})(?![0-9]| in [0-9])")


def _ages_said(rid: str, texts: list[str]) -> set[int]:
    """Ages on the reference day said next to the masked form of ``rid``."""
    masked = mask_resident_id(rid)
    found: set[int] = set()
    for text in texts:
        for at in re.finditer(re.escape(masked), text):
            said = _AGE_SAID.search(text, at.end(), at.end() + 60)
            if said:
                found.add(int(said.group(1) or said.group(2)))
    return found


def birth_days(rid: str, texts: list[str]) -> list[dt.date]:
    """Birth dates fitting everything read: the date if shown anywhere, else the days of its year
    (shown, or the age) on which an age said on the reference day holds."""
    born = dt.date(int(rid[6:10]), int(rid[10:12]), int(rid[12:14]))
    if any(form in text for text in texts for form in _date_forms(born)):
        return [born]
    start = dt.date(born.year, 1, 1)
    days = [start + dt.timedelta(n) for n in range((dt.date(born.year + 1, 1, 1) - start).days)]
    for age in _ages_said(rid, texts):
        days = [d for d in days if age_on(d, REFERENCE_DAY) == age]
    return days


def id_candidates(rid: str, texts: list[str]) -> int:
    """Resident IDs fitting everything read, up to ``AT_LEAST``: the region known (the village
    says it), the sex known (the page says it), the birth days that ``birth_days`` leaves."""
    known = _known_positions(rid, texts)
    days = birth_days(rid, texts)
    odd = int(rid[16]) % 2
    found = 0
    for day in days:
        digits = day.strftime("%Y%m%d")
        if any(known.get(6 + i, d) != d for i, d in enumerate(digits)):
            continue
        choices = [[known[p]] if p in known else list("0123456789") for p in (14, 15)]
        choices.append([known[16]] if 16 in known else [d for d in "0123456789" if int(d) % 2 == odd])
        for seq in itertools.product(*choices):
            first17 = rid[:6] + digits + "".join(seq)
            if 17 in known and check_character(first17) != known[17]:
                continue
            found += 1
            if found >= AT_LEAST:
                return found
    return found


def number_candidates(value: str, texts: list[str]) -> int:
    """Phones and accounts: ten choices for each digit no shown form reveals."""
    if any(value in text for text in texts):
        return 1
    hidden = len(value) - len(_known_positions(value, texts))
    return min(10 ** hidden, AT_LEAST)


def _sensitive_values(role: Role) -> list[tuple[str, str, str]]:
    """(kind, whose, value) for every value ``role`` is shown masked."""
    values: list[tuple[str, str, str]] = []
    if role.resident_id == "masked":
        values += [("resident ID", m.name, m.resident_id) for m in Member.objects.all()]
    if role.phone == "masked":
        values += [("phone", h.number, h.phone) for h in Household.objects.exclude(phone="")]
        values += [("phone", m.name, m.phone) for m in Member.objects.exclude(phone="")]
        values += [("phone", c.name, c.phone) for c in Cadre.objects.exclude(phone="")]
    if role.bank_account == "masked":
        values += [("bank account", h.number, h.bank_account) for h in Household.objects.exclude(bank_account="")]
    return values


@pytest.mark.parametrize("persona", MASKED_PERSONAS)
def test_no_masked_value_can_be_rebuilt_from_what_the_role_reads(world, login, persona: str) -> None:
    client = login(persona)
    role = ROLES[world.users[persona].account.role]
    texts = everything_read(client, persona)
    if role.can_edit:
        head = Member.objects.get(household=world.mine, relation="head")
        texts += _conflict_texts(client, world.mine, head)
        texts += everything_read(client, persona)  # the history now holds the new member and phone
    values = _sensitive_values(role)
    assert values, "nothing masked for this role: the test would prove nothing"
    rebuilt = []
    for kind, whose, value in values:
        count = id_candidates(value, texts) if kind == "resident ID" else number_candidates(value, texts)
        if count < AT_LEAST:
            rebuilt.append(f"{kind} of {whose}: {count} candidate(s)")
    assert not rebuilt, f"{persona} rebuilds {len(rebuilt)} of {len(values)}: " + "; ".join(rebuilt)


@pytest.fixture
def assessed(world):  # type: ignore[no-untyped-def]
    """A household of 新建村 whose boy, born in October 2009, is out of school: the 2020 assessment
    lists him under compulsory schooling, and a page saying "10 岁 on 31 August 2020" beside the
    birth year 2009 would put his birthday in September–December."""
    h = household_create(village=world.regions[VILLAGE], data=household_data(), by="setup", members=[
        member_data(), member_data("son", born=dt.date(2009, 10, 5), school_status="not_in_school",
                                   school_exemption="none", compulsory_completed=False)])
    income_set(household=h, year=2020, data={k: str(v) for k, v in income_data(wage_income=20000).items()
                                             if k != "year"}, expected_version=h.version, by="setup")
    assessment_run(year=2020, pack="cn-national", by="setup")
    return h


@pytest.mark.parametrize("persona", ["reviewer", "inspector"])
def test_what_a_role_reads_never_narrows_a_masked_id_s_birth_day(world, login, assessed, persona: str) -> None:
    """Stricter than a candidate count: for a role shown masked IDs and birth years, nothing it reads
    (the household pages with their assessment and plans, the list, the export) may rule out a
    single day of a member's birth year."""
    client = login(persona)
    assert ROLES[world.users[persona].account.role].resident_id == "masked"
    texts = everything_read(client, persona)
    boy = Member.objects.get(household=assessed, relation="son")
    page = client.get(f"/households/{assessed.number}/").content.decode()
    assert mask_resident_id(boy.resident_id) in page  # the explanation names him, masked
    narrowed = []
    for m in Member.objects.all():
        days = birth_days(m.resident_id, texts)
        year_days = 366 if m.birth_date.year % 4 == 0 else 365
        if len(days) < year_days:
            narrowed.append(f"{m.name} born {m.birth_date.year}: {len(days)} of {year_days} days left")
    assert not narrowed, "; ".join(narrowed)


def test_the_attack_reads_an_age_beside_a_masked_id() -> None:
    rid = "22080220091005003" + check_character("22080220091005003")
    masked = mask_resident_id(rid)
    assert len(birth_days(rid, [f"{masked}（之子，10 岁）：在校 否", "2009"])) == 122  # Sep–Dec
    assert len(birth_days(rid, [f"{masked} (son, age 10): in school no"])) == 122
    assert len(birth_days(rid, [f"{masked}（之子，2020 年满 11 岁）", f"{masked} (son, age 11 in 2020)"])) == 365


def test_the_attack_rebuilds_an_id_shown_beside_its_birth_date() -> None:
    """The attacker is not blind: a masked ID next to the full birth date is one candidate."""
    rid = "22080219600501003" + check_character("22080219600501003")
    masked = rid[:6] + "********" + rid[-4:]
    assert id_candidates(rid, [f"<td>{masked}</td><td>1960-05-01</td>"]) == 1
    assert id_candidates(rid, [f"<td>{masked}</td><td>1960</td>"]) >= AT_LEAST
    assert number_candidates("13812345678", ["138****5678", "*******5678"]) >= AT_LEAST
    assert number_candidates("13812345678", ["138****5678", "1381234****"]) == 1


def test_the_coverage_gap_filter_does_not_split_a_boundary_birth_year(world, login, assessed) -> None:
    """Two boys of 2004, out of school: on 31 August 2020 the October one is 15 (school age), the
    March one 16. A role shown birth years must not tell them apart by filtering the list for the
    schooling gap; the county office, which sees the dates, gets the day's answer."""
    numbers = {}
    for born in (dt.date(2004, 3, 1), dt.date(2004, 10, 5)):
        h = household_create(village=world.regions[VILLAGE], data=household_data(), by="setup", members=[
            member_data(), member_data("son", born=born, school_status="not_in_school", school_exemption="none",
                                       compulsory_completed=False)])
        numbers[born.month] = h.number

    def listed(persona: str) -> set[int]:
        page = str(login(persona).get("/households/", {"gap": "school"}).context["rows_html"])
        return {month for month, number in numbers.items() if f">{number}</a>" in page}

    assert listed("admin") == {10}
    for persona in ("reviewer", "inspector"):
        assert listed(persona) in (set(), {3, 10}), persona


def _old_form(plan) -> tuple[Member, str]:  # type: ignore[no-untyped-def]
    """Put the plan's texts back as they were stored before ages were worded as reached in the year:
    the son's age on 31 August beside his masked ID, in a measure's explanation and a reason."""
    from liangfang.plans.models import PlanMeasure

    son = Member.objects.get(household=plan.household_id, relation="son")
    age = age_on(son.birth_date, REFERENCE_DAY)
    masked = mask_resident_id(son.resident_id)
    m = PlanMeasure.objects.filter(plan=plan, member=son).order_by("id").first()
    assert m is not None
    PlanMeasure.objects.filter(pk=m.pk).update(
        reason_zh=f"{masked}（{age} 岁）义务教育阶段 → 教育资助（两免一补），1,000 元",
        reason_en=f"{masked} (age {age}) in compulsory schooling → education aid, 1,000 yuan",
        explain_values={"age": age, "name": masked})
    plan.reasons = [{"code": "unfunded", "zh": f"未安排：雨露计划（{masked}（{age} 岁）），需 3,000.00 元，预算不足",
                     "en": f"not funded: rain and dew plan ({masked} (age {age})), 3,000.00 yuan needed; "
                           "the budget ran out"}]
    plan.save(update_fields=["reasons"])
    return son, masked


def test_plan_texts_stored_in_the_old_form_narrow_no_birth_day_once_migrated(world, login) -> None:
    """Texts stored before 4 December said "10 岁" (on 31 August) beside a masked ID; with the birth
    year the reviewer reads, that halves the son's birth days. The data migration plans 0004
    rewrites them from the member's birth year; a later cost change renders the same words."""
    import importlib

    from django.apps import apps

    from liangfang.plans.models import Plan, PlanMeasure
    from liangfang.plans.services.plans import measure_change, plan_area
    from liangfang.registry.models import Region
    from tests.factories import COUNTY

    assessment_run(year=2020, pack="cn-national", by="setup")
    plan_area(region=Region.objects.get(code=COUNTY), year=2020, budget=None, by="setup")
    plan = Plan.objects.get(household=world.mine, year=2020)
    son, masked = _old_form(plan)
    year_days = 366  # 2012

    def days_left() -> int:
        page = login("reviewer").get(f"/households/{world.mine.number}/").content.decode()
        assert masked in page
        return len(birth_days(son.resident_id, [page, str(son.birth_date.year)]))

    assert days_left() < year_days  # the old form narrows: the test can fail
    importlib.import_module("liangfang.plans.migrations.0004_stored_texts_age_reached").rewrite(apps, None)
    assert days_left() == year_days
    m = PlanMeasure.objects.filter(plan=plan, member=son).order_by("id").first()
    assert m is not None
    reached = 2020 - son.birth_date.year
    assert f"（2020 年满 {reached} 岁）" in m.reason_zh and f"(age {reached} in 2020)" in m.reason_en
    assert (m.explain_values or {}).get("birth_year") == son.birth_date.year
    plan.refresh_from_db()
    assert f"{masked}（2020 年满 {reached} 岁）" in plan.reasons[0]["zh"]
    assert f"{masked} (age {reached} in 2020)" in plan.reasons[0]["en"]
    measure_change(measure=m, by="setup", note="按实际", cost=m.cost + 1)  # rendered again from kept values
    m.refresh_from_db()
    assert f"2020 年满 {reached} 岁" in m.reason_zh and days_left() == year_days


def _fitting(region: str, seq: str, days: list[dt.date]) -> dict[str, int]:
    """Birth days among ``days`` that fit each check character, for IDs of ``region`` and ``seq``
    (a masked ID shows both and the check character; only the eight date digits are hidden)."""
    found: dict[str, int] = {}
    for day in days:
        check = check_character(region + day.strftime("%Y%m%d") + seq)
        found[check] = found.get(check, 0) + 1
    return found


def _fewest(year: int, first: dt.date, last: dt.date) -> int:
    """The fewest candidates left for any masked ID of ``year`` born between ``first`` and ``last``."""
    days = [first + dt.timedelta(n) for n in range((last - first).days + 1)]
    return min(n for seq in range(1000) for n in _fitting("220802", f"{seq:03d}", days).values())


@pytest.mark.parametrize("year", [2004, 2014, 2020])  # 16 and 6 in 2020 (school age), and born that year
def test_the_reference_day_bit_leaves_no_masked_id_rebuilt(year: int) -> None:
    """What the age-bounded counts still tell a role shown birth years (docs/security.md): whether a
    member of a boundary birth year was born by the reference day, 31 August. With the year, the
    last four characters and the check character, every masked ID keeps at least 32 candidates;
    with that one bit at least 20 (born by the day) or 10 (after it): not below ``AT_LEAST``, so not
    rebuilt by this test's criterion. A birth month (a count on each month's first day, compared
    month by month) would leave 2 to 4: such counts must never reach a role shown masked IDs."""
    start, end, day = dt.date(year, 1, 1), dt.date(year, 12, 31), REFERENCE_DAY.replace(year=year)
    assert _fewest(year, start, end) >= 32
    assert _fewest(year, start, day) >= 20
    assert _fewest(year, day + dt.timedelta(1), end) >= AT_LEAST
    october = [dt.date(year, 10, 1) + dt.timedelta(n) for n in range(31)]
    assert max(n for seq in range(0, 1000, 37) for n in _fitting("220802", f"{seq:03d}", october).values()) <= 4
    if year < REFERENCE_DAY.year:  # the attack's own count agrees: an age on the day is that bit
        rid = f"220802{year}1005003"
        rid += check_character(rid)
        said = [f"{mask_resident_id(rid)}（之子，{age_on(dt.date(year, 10, 5), REFERENCE_DAY)} 岁）", str(year)]
        assert len(birth_days(rid, said)) == (end - day).days
        assert id_candidates(rid, said) >= AT_LEAST
