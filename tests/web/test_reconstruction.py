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
from liangfang.ids import check_character
from liangfang.registry.models import Cadre, Household, Member
from liangfang.registry.services.households import member_add, member_update
from tests.factories import member_data

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


def id_candidates(rid: str, texts: list[str]) -> int:
    """Resident IDs fitting everything read, up to ``AT_LEAST``: the region known (the village
    says it), the sex known (the page says it), the birth date known if shown anywhere, else its
    year (shown, or the age)."""
    known = _known_positions(rid, texts)
    born = dt.date(int(rid[6:10]), int(rid[10:12]), int(rid[12:14]))
    if any(form in text for text in texts for form in _date_forms(born)):
        days = [born]
    else:
        start = dt.date(born.year, 1, 1)
        days = [start + dt.timedelta(n) for n in range((dt.date(born.year + 1, 1, 1) - start).days)]
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


def test_the_attack_rebuilds_an_id_shown_beside_its_birth_date() -> None:
    """The attacker is not blind: a masked ID next to the full birth date is one candidate."""
    rid = "22080219600501003" + check_character("22080219600501003")
    masked = rid[:6] + "********" + rid[-4:]
    assert id_candidates(rid, [f"<td>{masked}</td><td>1960-05-01</td>"]) == 1
    assert id_candidates(rid, [f"<td>{masked}</td><td>1960</td>"]) >= AT_LEAST
    assert number_candidates("13812345678", ["138****5678", "*******5678"]) >= AT_LEAST
    assert number_candidates("13812345678", ["138****5678", "1381234****"]) == 1
