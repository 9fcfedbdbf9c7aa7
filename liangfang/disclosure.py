"""What a reader sees of people's sensitive values: the one place that decides it. Pages, the list,
its export, the command line's masked export, the change history and conflict messages all ask
here, by field name, and nowhere else (``tests/test_disclosure.py`` rebuilds what each role reads).

A reader is anything with the four visibilities of ``accounts/roles.py`` (a role, or ``MASKED``
for ``liangfang export --mask``). From them follow:

- **Masks remove information.** A masked resident ID keeps its region (6) and last four
  characters and hides the eight birth-date digits; so a reader shown masked IDs sees birth dates
  as the **year only**, everywhere (else the date put back into the gap rebuilds the number: the
  check character then leaves one candidate). With the year, about 33 dates fit the check character.
  Phones keep 3 + 4 digits, bank accounts their last four, one mask per kind of value.
- **Health** is what names an illness or a disability: the health and disability fields, the
  poverty causes (因病 and 因残 are two of them: a cause shown for every other value and blanked
  for these would say "health" by its blank, so a reader without health facts sees no cause at
  all, nor filters by one), the funds that pay only for illness (医疗救助, 大病兜底), and health
  measures (``HEALTH_MEASURE_CATEGORY``, an illness fund, or a rule that reads a health field)
  with their fund and what was typed on them. A household's outputs leave such a measure out whole
  for that reader, costs and counts included (``withholds_measure``); area tables withhold their
  health figures from such a reader below ``SMALL_CELL`` households.
- **Ages are birth dates.** An age on a day ("12 岁" on 31 August), or a count of members within
  an age band on a day, tells on which side of that day a birthday falls; with the birth year it
  narrows the masked ID's middle. A reader shown birth years sees the age a person reaches in the
  year instead ("2020 年满 12 岁", ``age_value``), which the year alone gives, and bands by birth
  year (``in_age_band``). A count taken on each month's first day (monitoring's school-age children
  out of school) is worse: compared month to month it gives the birth month, which with the year and
  the mask leaves 2 to 4 IDs. Such a reader is not shown those counts, nor the outcome of a rule
  that reads one, in any explanation (``monthly_ages_shown``).

No Django here: the registry's exporter and the engine's wording use it too.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal, Protocol

from .ids import ResidentIdError, mask_resident_id, parse_resident_id

Visibility = Literal["full", "masked", "hidden"]
HIDDEN = "—"


class Reader(Protocol):
    """Who reads: a role (``accounts.roles.Role``) or ``MASKED``."""

    @property
    def resident_id(self) -> Visibility: ...
    @property
    def phone(self) -> Visibility: ...
    @property
    def bank_account(self) -> Visibility: ...
    @property
    def health(self) -> bool: ...


class _Fixed:
    def __init__(self, resident_id: Visibility, phone: Visibility, bank_account: Visibility, health: bool) -> None:
        self.resident_id: Visibility = resident_id
        self.phone: Visibility = phone
        self.bank_account: Visibility = bank_account
        self.health = health


# `liangfang export --mask`: a file to hand on, with identifying numbers masked.
MASKED: Reader = _Fixed("masked", "masked", "masked", True)
FULL: Reader = _Fixed("full", "full", "full", True)
# a file for someone without health facts (``monitor report --without-health``)
MASKED_WITHOUT_HEALTH: Reader = _Fixed("masked", "masked", "masked", False)

# -- what counts as what ------------------------------------------------------------------------
RESIDENT_ID_FIELDS = frozenset({"resident_id"})
BIRTH_FIELDS = frozenset({"birth_date"})
PHONE_FIELDS = frozenset({"phone"})
BANK_FIELDS = frozenset({"bank_account", "bank_name"})
HEALTH_FIELDS = frozenset({"health_status", "disability_grade"})
CAUSE_FIELDS = frozenset({"main_cause", "other_cause_1", "other_cause_2"})
HEALTH_CAUSES = frozenset({"illness", "disability"})  # poverty_cause codes 因病, 因残
HEALTH_FUND_SOURCES = frozenset({"medical_aid", "serious_illness_fund"})  # 医疗救助资金, 大病兜底资金
HEALTH_MEASURE_CATEGORY = "health"  # 健康扶贫 measures: their names and notes name the illness
HEALTH_RISK_TOPICS = frozenset({"health", "cause"})  # a household's risk factors that name them
# A table of an area (a village, a township) shows a health count or amount to a reader without
# health facts only when it covers at least this many households: one household with 大病救治
# 9,000 is that household's illness.
SMALL_CELL = 5


def birth_date_visibility(reader: Reader) -> Literal["full", "year"]:
    """Full dates only for a reader who sees full resident IDs: the date is the ID's middle."""
    return "full" if reader.resident_id == "full" else "year"


def birth_year_of(resident_id: str) -> int | None:
    """The birth year in a resident ID (the registry keeps the birth date equal to it), or None."""
    try:
        return parse_resident_id(resident_id).birth_date.year
    except (ResidentIdError, ValueError):
        return None


def age_value(reader: Reader, age: object, birth_year: int | None, year: int, lang: str) -> str:
    """An age for ``reader``, without its unit: the age on the pack's reference day ("12") for a
    reader who sees birth dates, else the age reached in ``year`` ("2020 年满 12", "12 in 2020"),
    which the birth year alone gives; "—" when neither is known."""
    if birth_date_visibility(reader) == "full":
        return "—" if age is None else str(age)
    if birth_year is None:
        return "—"
    reached = year - birth_year
    return f"{year} 年满 {reached}" if lang == "zh" else f"{reached} in {year}"


def age_phrase(reader: Reader, age: object, birth_year: int | None, year: int, lang: str) -> str:
    """``age_value`` with its unit: "12 岁", "2020 年满 12 岁"; "age 12", "age 12 in 2020"."""
    value = age_value(reader, age, birth_year, year, lang)
    return f"{value} 岁" if lang == "zh" else f"age {value}"


def in_age_band(reader: Reader, birth: dt.date, on: dt.date, low: int, high: int) -> bool:
    """Whether someone born on ``birth`` counts in the band ``low``–``high`` years old on ``on``:
    by full years on the day for a reader who sees birth dates, else by the age reached in the
    day's year (the count must not tell a boundary year's birthdays apart)."""
    if birth_date_visibility(reader) == "full":
        age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    else:
        age = on.year - birth.year
    return low <= age <= high


def monthly_ages_shown(reader: Reader) -> bool:
    """Whether ``reader`` may read what is counted by members' ages on each month's first day (a
    monitoring explanation's "适龄失学 1 人" and its rule's outcome): only with full birth dates, since
    the month in which such a count changes is a member's birth month."""
    return birth_date_visibility(reader) == "full"


def _visibility(reader: Reader, name: str) -> Visibility | None:
    if name in RESIDENT_ID_FIELDS:
        return reader.resident_id
    if name in PHONE_FIELDS:
        return reader.phone
    if name == "bank_account":
        return reader.bank_account
    if name == "bank_name":
        return "hidden" if reader.bank_account == "hidden" else "full"
    return None


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    digits = phone.strip()
    if len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def mask_account(number: str) -> str:
    """A bank account keeps its last four characters: ************1234."""
    text = number.strip()
    return "*" * max(len(text) - 4, 0) + text[-4:]


_MASKERS = {"resident_id": mask_resident_id, "phone": mask_phone, "bank_account": mask_account}


def is_health_value(name: str, value: object) -> bool:
    """A field's value that is (or, blanked alone, would reveal) a health fact: every health field
    and cause, a fund that pays only for illness (大病兜底)."""
    return (name in HEALTH_FIELDS or name in CAUSE_FIELDS
            or (name == "fund_source" and str(value) in HEALTH_FUND_SOURCES))


def rule_reads_health(rule: str) -> bool:
    """Whether an eligibility rule reads a health field: a measure given only to the seriously ill
    or disabled (送教上门) says so by being given."""
    return bool(set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", rule)) & HEALTH_FIELDS)


def is_health_measure(category: str, fund_source: str = "", *, eligible: str = "") -> bool:
    """A measure that is a health fact whole: of the health line (健康扶贫), paid from an illness
    fund, or given by a rule (``eligible``) that reads a health field."""
    return category == HEALTH_MEASURE_CATEGORY or fund_source in HEALTH_FUND_SOURCES or rule_reads_health(eligible)


def withholds_measure(reader: Reader, category: str, fund_source: str = "", *, eligible: str = "") -> bool:
    """Whether ``reader`` is not shown a measure of a household at all: a health measure, for a
    reader without health facts. Whole: its line, person, cost, fund, delivery, what was typed on
    it, its change-log entries and its part of any household's count or total (a total that kept
    it, beside the lines shown, would give its cost back by subtraction)."""
    return not reader.health and is_health_measure(category, fund_source, eligible=eligible)


def shows_column(reader: Reader, name: str) -> bool:
    """Whether a column, filter or form field ``name`` appears at all (a hidden one is left out)."""
    if name in HEALTH_FIELDS or name in CAUSE_FIELDS:
        return reader.health
    return _visibility(reader, name) != "hidden"


def shows_in_full(reader: Reader, name: str) -> bool:
    """Whether the reader sees every stored value of ``name`` as it is: a form may carry it only then
    (a masked value typed back would overwrite the real one)."""
    if name in BIRTH_FIELDS:
        return birth_date_visibility(reader) == "full"
    if name in HEALTH_FIELDS or name in CAUSE_FIELDS:
        return reader.health
    return _visibility(reader, name) in (None, "full")


def shown(reader: Reader, name: str, value: Any) -> Any:
    """``value`` of field ``name`` as ``reader`` sees it: as it is, masked, reduced (a birth date to
    its year) or ``HIDDEN``. Blank stays blank; a field with no rule comes back unchanged."""
    if value is None or value == "":
        return value
    if name in BIRTH_FIELDS:
        if birth_date_visibility(reader) == "full":
            return value
        return value.year if isinstance(value, dt.date) else str(value)[:4]
    if not reader.health and is_health_value(name, value):
        return HIDDEN
    visibility = _visibility(reader, name)
    if visibility is None or visibility == "full":
        return value
    if visibility == "hidden":
        return HIDDEN
    return _MASKERS[name](str(value)) if name in _MASKERS else value


def form_fields_left_out(reader: Reader, *, typing_in: frozenset[str] = frozenset()) -> frozenset[str]:
    """Field names a form leaves out for ``reader``; ``typing_in`` are typed by the reader from the
    person's card (a new member's resident ID and birth date), which discloses nothing to them."""
    names = {n for n in (*RESIDENT_ID_FIELDS, *BIRTH_FIELDS, *PHONE_FIELDS, *BANK_FIELDS, *HEALTH_FIELDS,
                         *CAUSE_FIELDS) if not shows_in_full(reader, n)}
    return frozenset(names - typing_in)


def monitoring_risks_shown(reader: Reader) -> bool:
    """A monitoring lead's or object's risk types, the reasons it was raised (近12个月合规自付医疗费用
    …) and what was typed on it (a dismissal's reason): health facts as a whole, like poverty
    causes, because 因病 and 因残 are among the risk types and blanking them alone would name them."""
    return reader.health


def opens_scans(reader: Reader) -> bool:
    """Whether ``reader`` may open a scanned document (a procedure's minutes or photos, a household's
    signed consent). A scan cannot be masked: it shows full resident IDs, signatures and often an
    illness, so it opens only for the roles that act on cases and see health facts (the township
    reviewer among them, who sees IDs masked on pages but must check the papers to review); a
    read-only inspector sees that a document exists, its kind, name and hash, not its content."""
    return reader.health


def suppressed(reader: Reader, households: int) -> bool:
    """A health figure of an area covering ``households`` is withheld from ``reader``."""
    return not reader.health and 0 < households < SMALL_CELL


def causes_withheld(reader: Reader, counts: dict[str, int]) -> bool:
    """An area's households by cause, withheld whole from ``reader`` when a health cause has a small
    count: the other causes and the area's total would give it back by subtraction."""
    return any(suppressed(reader, n) for cause, n in counts.items() if cause in HEALTH_CAUSES)


def risk_counts_withheld(reader: Reader, counts: dict[str, int]) -> bool:
    """An area's monitoring objects by risk type, withheld whole from ``reader`` when 因病 or 因残 has a
    small count, as the causes are: beside the area's list of objects (their household numbers),
    "因病 1" names the ill household, and the other risk types and the total would give it back."""
    return any(suppressed(reader, n) for risk, n in counts.items() if risk in HEALTH_CAUSES)


def searches_resident_ids(reader: Reader, kind: str, typed: str) -> bool:
    """Whether ``reader`` may find people by the digits ``typed`` as a resident ID search of ``kind``
    (``registry/household_search.query_kind``). A search that finds a person by digits the reader
    is not shown confirms them: an oracle that rebuilds the hidden part a guess at a time. So a
    reader shown masked IDs searches by the last four characters (the mask shows them) or by a
    whole ID (typed from the person's card; the web counts those per hour), and a reader shown no
    IDs by none; their digits find household numbers alone."""
    if reader.resident_id == "full":
        return True
    if reader.resident_id == "hidden":
        return False
    return kind == "resident_id" or (kind == "id_tail" and len(typed) == 4)
