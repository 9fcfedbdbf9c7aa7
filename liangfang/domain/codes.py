"""Code lists (categories) of the registry, loaded from ``codes.yaml`` (no Django).

>>> lookup("health_status", "长期慢性病")
'chronic'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class CodeList:
    name: str
    extensible: bool
    labels: dict[str, tuple[str, str]]  # code -> (zh, en)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def choices(self, lang: str = "zh") -> list[tuple[str, str]]:
        i = 0 if lang.startswith("zh") else 1
        return [(code, pair[i]) for code, pair in self.labels.items()]

    def label(self, code: str, lang: str = "zh") -> str:
        pair = self.labels.get(code)
        if pair is None:
            return code
        return pair[0 if lang.startswith("zh") else 1]

    def lookup(self, text: str) -> str | None:
        """The code for a code, Chinese label or English label (case-insensitive), else None."""
        value = text.strip()
        if value in self.labels:
            return value
        folded = value.casefold()
        for code, (zh, en) in self.labels.items():
            if value == zh or folded == en.casefold() or folded == code.casefold():
                return code
        return None


@cache
def code_lists() -> dict[str, CodeList]:
    raw = yaml.safe_load(resources.files(__package__).joinpath("codes.yaml").read_text("utf-8"))
    return {
        name: CodeList(
            name=name,
            extensible=bool(spec.get("extensible", False)),
            labels={str(code): (pair[0], pair[1]) for code, pair in spec["codes"].items()},
        )
        for name, spec in raw.items()
    }


def code_list(name: str) -> CodeList:
    return code_lists()[name]


@cache
def code_labels(name: str, lang: str = "zh") -> dict[str, str]:
    """Code → label in ``lang`` (a page labels every row's codes; the lists do not change at run time)."""
    return dict(code_list(name).choices(lang))


def choices(name: str) -> list[tuple[str, str]]:
    """Django ``choices`` with Chinese labels."""
    return code_list(name).choices("zh")


def lookup(name: str, text: str) -> str | None:
    return code_list(name).lookup(text)


def label(name: str, code: str, lang: str = "zh") -> str:
    return code_list(name).label(code, lang)
