"""Unique synthetic identifiers: resident ID numbers with valid check characters, and phones."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import numpy as np

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"

# Neighbouring divisions a spouse may have married in from (镇赉县, 通榆县, 洮南市, 大安市,
# 乌兰浩特市); everyone else carries the district's own code.
NEIGHBOUR_CODES = ("220821", "220822", "220881", "220882", "152201")
_PHONE_PREFIXES = (139, 138, 137, 135, 158, 159, 150, 151, 187, 188, 130, 131, 132, 155, 156, 186, 133,
                   153, 180, 189)


class ResidentIds:
    """Hands out distinct numbers: one counter per (division, birth date, sex), stepped through
    the 500 sequence values in a scattered but one-to-one order. Same numbers as
    ``liangfang.ids.make_resident_id``, with the check sum of the shared prefix cached."""

    def __init__(self, used: dict[tuple[str, dt.date, str], int] | None = None) -> None:
        self._used: dict[tuple[str, dt.date, str], int] = dict(used or {})
        self._heads: dict[tuple[str, dt.date], tuple[str, int]] = {}

    def make(self, region: str, birth: dt.date, sex: str) -> str:
        key = (region, birth, sex)
        n = self._used.get(key, 0)
        if n >= 500:
            raise RuntimeError(f"more than 500 people of one sex born on {birth} in {region}")
        self._used[key] = n + 1
        head_sum = self._heads.get((region, birth))
        if head_sum is None:
            head = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}"
            head_sum = self._heads[(region, birth)] = (head, _partial(head))
        # 7 is prime to 500, so n → (7n + offset) mod 500 never repeats for one key.
        seq = ((7 * n + birth.toordinal()) % 500) * 2 + (1 if sex == "male" else 0)
        return f"{head_sum[0]}{seq:03d}{_CHECK_CHARS[(head_sum[1] + _partial_tail(seq)) % 11]}"


def _partial(first14: str) -> int:
    """The weighted digit sum of the first 14 characters (division code and birth date)."""
    return sum(int(c) * w for c, w in zip(first14, _WEIGHTS[:14], strict=True))


def _partial_tail(seq: int) -> int:
    return (seq // 100) * _WEIGHTS[14] + (seq // 10 % 10) * _WEIGHTS[15] + (seq % 10) * _WEIGHTS[16]


@dataclass
class PhoneBook:
    """Distinct 11-digit mobile numbers, drawn in blocks from a numpy generator."""

    rng: np.random.Generator
    used: set[int] = field(default_factory=set)

    def take(self, count: int) -> list[str]:
        out: list[str] = []
        while len(out) < count:
            prefixes = np.array(_PHONE_PREFIXES)[self.rng.integers(0, len(_PHONE_PREFIXES), count)]
            for number in (prefixes * 10**8 + self.rng.integers(0, 10**8, count)).tolist():
                if number not in self.used and len(out) < count:
                    self.used.add(number)
                    out.append(str(number))
        return out


def random_date(rng: random.Random, year: int, first: dt.date | None = None,
                last: dt.date | None = None) -> dt.date:
    """A day in ``year`` (or between ``first`` and ``last``)."""
    start = first or dt.date(year, 1, 1)
    end = last or dt.date(year, 12, 31)
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def sequence_ranks(keys: np.ndarray) -> np.ndarray:
    """For each element, how many earlier elements share its key (0, 1, 2, …), vectorised."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    n = len(keys)
    starts = np.empty(n, dtype=bool)
    starts[:1] = True
    starts[1:] = ordered[1:] != ordered[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.arange(n) - first
    return ranks


def resident_id_bytes(region: np.ndarray, birth_ordinal: np.ndarray, male: np.ndarray,
                      rank: np.ndarray) -> np.ndarray:
    """18-byte ASCII resident IDs (numpy ``S18``) from six-digit division codes (ints), birth
    dates (proleptic ordinals), sex and the rank among people sharing division, date and sex.
    The sequence is ((7·rank + ordinal) mod 500)·2 + (1 for men), as ``ResidentIds.make``.
    Each part's digits and weighted check sum come from small tables (one row per distinct
    division, per date, per sequence), so the work per person is a few lookups."""
    if len(rank) and rank.max() >= 500:
        raise RuntimeError("more than 500 people of one sex born on one day in one division")
    birth_ordinal = np.asarray(birth_ordinal, dtype=np.int64)
    regions, region_index = np.unique(np.asarray(region, dtype=np.int64), return_inverse=True)
    first_day = int(birth_ordinal.min()) if len(birth_ordinal) else 0
    days = np.arange(first_day, int(birth_ordinal.max()) + 1 if len(birth_ordinal) else first_day)
    ymd = np.datetime64("1970-01-01") + (days - _EPOCH_ORDINAL).astype("timedelta64[D]")
    years = ymd.astype("datetime64[Y]").astype(np.int64) + 1970
    months = ymd.astype("datetime64[M]").astype(np.int64) % 12 + 1
    mdays = (ymd - ymd.astype("datetime64[M]")).astype(np.int64) + 1
    region_digits = _digits(regions, 6)
    date_digits = _digits(years * 10_000 + months * 100 + mdays, 8)
    seq_digits = _digits(np.arange(1000), 3)
    weights = np.array(_WEIGHTS, dtype=np.int64)
    region_sum = region_digits.astype(np.int64) @ weights[:6]
    date_sum = date_digits.astype(np.int64) @ weights[6:14]
    seq_sum = seq_digits.astype(np.int64) @ weights[14:17]
    seq = ((7 * np.asarray(rank, dtype=np.int64) + birth_ordinal) % 500) * 2 + np.asarray(male, dtype=np.int64)
    day = birth_ordinal - first_day
    out = np.empty((len(seq), 18), dtype=np.uint8)
    out[:, 0:6] = region_digits[region_index]
    out[:, 6:14] = date_digits[day]
    out[:, 14:17] = seq_digits[seq]
    check = (region_sum[region_index] + date_sum[day] + seq_sum[seq]) % 11
    out[:, :17] += ord("0")
    out[:, 17] = np.frombuffer(_CHECK_CHARS.encode(), dtype=np.uint8)[check]
    return out.view("S18").ravel()


def _digits(numbers: np.ndarray, width: int) -> np.ndarray:
    """(n, width) array of the decimal digits of ``numbers`` (as values 0–9)."""
    out = np.empty((len(numbers), width), dtype=np.uint8)
    rest = np.asarray(numbers, dtype=np.int64).copy()
    for i in range(width - 1, -1, -1):
        out[:, i] = rest % 10
        rest //= 10
    return out


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
