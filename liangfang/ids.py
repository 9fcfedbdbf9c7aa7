"""Resident identity numbers (公民身份号码, GB 11643-1999).

>>> parse_resident_id("11010519491231002x").sex
'female'

An 18-character number is six digits of administrative division code (where the number was
issued), eight digits of birth date, a three-digit sequence (odd for men, even for women) and an
ISO 7064 MOD 11-2 check character. Older 15-digit numbers (two-digit year, no check character)
are upgraded to 18 characters. The division code is checked only for a valid province prefix:
a county's code may be newer than the person, who still lives there.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from operator import mul

from .domain.text import Text

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ZERO_SUM = ord("0") * sum(_WEIGHTS)
# Province-level prefixes in GB/T 2260 (including Taiwan, Hong Kong and Macao).
PROVINCE_PREFIXES = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
        "65", "71", "81", "82",
    }
)
_EARLIEST_BIRTH = dt.date(1890, 1, 1)


class ResidentIdError(ValueError):
    """A resident ID number that is not well formed; ``fault`` says which part is wrong."""

    def __init__(self, text: str, fault: str, message: str) -> None:
        super().__init__(message)
        self.message = message  # a Text: both languages, each face renders one
        self.text = text
        self.fault = fault


@dataclass(frozen=True)
class ResidentId:
    number: str
    region_code: str
    birth_date: dt.date
    sex: str  # "male" | "female"

    def age_on(self, day: dt.date) -> int:
        """Full years of age on ``day``."""
        return age_on(self.birth_date, day)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years of age on ``day`` for someone born on ``birth``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check_character(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    if len(first17) != len(_WEIGHTS):
        raise ValueError(f"{first17!r}: the check character needs exactly 17 digits")
    if first17.isascii():
        # Byte values of ASCII digits are the digits plus 48: one C-level pass, no int() per
        # digit (imports call this for every member).
        return _CHECK_CHARS[(sum(map(mul, first17.encode(), _WEIGHTS)) - _ZERO_SUM) % 11]
    return _CHECK_CHARS[sum(map(mul, map(int, first17), _WEIGHTS)) % 11]


_known_day = [dt.date.min]  # a day known to be today or earlier: saves asking the clock each time


def _after_today(born: dt.date) -> bool:
    """``born > dt.date.today()``, asking the clock only for dates after the last day it gave."""
    if born <= _known_day[0]:
        return False
    _known_day[0] = dt.date.today()
    return born > _known_day[0]


def _parse_birth(text: str, digits: str, today: dt.date | None) -> dt.date:
    try:
        born = dt.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise ResidentIdError(
            text, "date", Text(f"身份证号码 {text} 的出生日期 {digits} 不是有效日期",
                               f"birth date {digits} in {text} is not a valid date")
        ) from None
    if (born > today if today is not None else _after_today(born)) or born < _EARLIEST_BIRTH:
        raise ResidentIdError(
            text, "date", Text(f"身份证号码 {text} 的出生日期 {born.isoformat()} 不在合理范围内",
                               f"birth date {born.isoformat()} in {text} is out of range")
        )
    return born


def parse_resident_id(text: str, *, today: dt.date | None = None) -> ResidentId:
    """Validate and normalise a resident ID number; raise ResidentIdError naming the fault."""
    raw = text if isinstance(text, str) else str(text)
    number = raw.strip().upper()
    if len(number) not in (15, 18):
        raise ResidentIdError(
            raw, "length", Text(f"身份证号码 {raw!r} 应为 18 位（或旧式 15 位），实为 {len(number)} 位",
                                f"resident ID {raw!r} must have 18 (or legacy 15) characters, not {len(number)}")
        )
    if number.isascii():  # the usual case, without a regular expression: isdigit() is [0-9] here
        well_formed = number[:-1].isdigit() and (number[-1].isdigit() or (number[-1] == "X" and len(number) == 18))
    else:
        well_formed = re.fullmatch(r"\d{17}[\dX]" if len(number) == 18 else r"\d{15}", number) is not None
    if not well_formed:
        raise ResidentIdError(
            raw, "characters", Text(f"身份证号码 {raw!r} 只能含数字（18 位的末位可为 X）",
                                    f"resident ID {raw!r} may contain only digits (and a final X)")
        )
    if len(number) == 15:
        first17 = number[:6] + "19" + number[6:]
        number = first17 + check_character(first17)
    region = number[:6]
    if region[:2] not in PROVINCE_PREFIXES:
        raise ResidentIdError(
            raw, "region", Text(f"身份证号码 {raw!r} 的前两位 {region[:2]} 不是省级行政区划代码",
                                f"resident ID {raw!r} starts with {region[:2]}, which is not a province code")
        )
    born = _parse_birth(raw, number[6:14], today)
    expected = check_character(number[:17])
    if number[17] != expected:
        raise ResidentIdError(
            raw, "check_digit", Text(f"身份证号码 {raw!r} 的校验码应为 {expected}，实为 {number[17]}",
                                     f"resident ID {raw!r}: check character should be {expected}, not {number[17]}")
        )
    sex = "male" if int(number[16]) % 2 == 1 else "female"
    return ResidentId(number=number, region_code=region, birth_date=born, sex=sex)


def make_resident_id(region_code: str, birth: dt.date, sequence: int, sex: str) -> str:
    """Build a valid 18-character number; ``sequence`` 0–499 is widened to an odd/even code."""
    if not (len(region_code) == 6 and region_code.isdigit()):
        raise ValueError(f"region code {region_code!r} must be six digits")
    seq = (sequence % 500) * 2 + (1 if sex == "male" else 0)
    first17 = f"{region_code}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_character(first17)


def mask_resident_id(number: str) -> str:
    """Mask for roles that do not need the full number: 220802********123X."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
