"""The typed schema of an intervention catalogue (帮扶措施目录), checked on load.

A catalogue belongs to a policy pack (by name): each measure says who is eligible (a rule in the
pack's rule language, over the same facts as the indicators), which indicators it fixes or how
much yearly income it brings, what it costs, who pays, which capacity it draws on, and what the
registry records once it is delivered. Every figure not found in ``POLICY.md`` is a planning
assumption and its ``figures`` source says so (UNCONFIRMED or ANALOGUE).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..domain.text import Text as Bilingual
from ..policy.schema import Parameter, Source, Text

NAME = r"^[a-z][a-z0-9_]*$"
INCOME_ITEMS = (
    "wage_income", "business_income", "property_income", "transfer_family_planning", "transfer_minimum_living",
    "transfer_destitute_support", "transfer_pension", "transfer_eco_compensation", "transfer_other",
)
YEAR_TOKEN = "$year"  # an effect value replaced by the plan's year when the measure is delivered
BATCHES = ("production", "relocation", "ecology", "education", "social_security")  # 五个一批

Scalar = bool | int | Decimal | str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(_Strict):
    """A line of the household card (明白卡): 产业扶贫, 就业扶贫, 健康扶贫 …"""

    name: Text
    batch: Literal["production", "relocation", "ecology", "education", "social_security"] | None = None


class FundSource(_Strict):
    name: Text


class Capacity(_Strict):
    """A limited resource: so many places per village, township or county in the plan's year."""

    name: Text
    per: Literal["village", "township", "county"]
    limit: int = Field(ge=0)
    source: Source


class Amount(_Strict):
    """Yuan per household, or per person of the household (active members)."""

    amount: Decimal = Field(ge=0)
    per: Literal["household", "person"] = "household"

    @field_validator("amount")
    @classmethod
    def _whole_fen(cls, v: Decimal) -> Decimal:
        if v != v.quantize(Decimal("0.01")):
            raise ValueError(Bilingual("金额最多两位小数", "amount has more than two decimal places"))
        return v


class Effect(_Strict):
    """What delivery records in the registry: household and member fields (values as the field
    table takes them; ``$year`` = the plan's year), and the income item that receives the gain."""

    household: dict[str, Scalar] = {}
    member: dict[str, Scalar] = {}
    income: Literal[
        "wage_income", "business_income", "property_income", "transfer_family_planning", "transfer_minimum_living",
        "transfer_destitute_support", "transfer_pension", "transfer_eco_compensation", "transfer_other",
    ] | None = None


class Due(_Strict):
    """When in the plan's year a measure is due (e.g. houses before the winter)."""

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)


class Measure(_Strict):
    name: Text
    category: str
    level: Literal["household", "member"]
    # close: chosen by the optimiser to bring households to the standard;
    # accompany: proposed to every eligible subject after that, while the budget lasts.
    role: Literal["close", "accompany"] = "close"
    eligible: str = Field(min_length=1)
    eligible_source: Source | None = None  # where the eligibility conditions (age, labour, attribute) come from
    fixes: tuple[str, ...] = ()
    income_gain: Amount | None = None
    cost: Amount
    fund_source: str
    capacity: str | None = None
    exclusive: str | None = None  # at most one measure of a group per household / person
    # a member measure the household takes once, through one member (a loan has one borrower)
    once_per_household: bool = False
    effect: Effect = Effect()
    due: Due | None = None
    explain: Text
    source: Source
    figures: Source

    @model_validator(mode="after")
    def _does_something(self) -> Measure:
        if self.role == "close" and not self.fixes and (self.income_gain is None or self.income_gain.amount == 0):
            raise ValueError(Bilingual("帮扶措施须解决指标或增加收入",
                                       "a closing measure must fix an indicator or bring income"))
        if self.income_gain is not None and self.income_gain.amount > 0 and self.effect.income is None:
            raise ValueError(Bilingual("effect.income 须指明增收计入的收入项",
                                       "effect.income must name the income item the gain goes to"))
        if self.once_per_household and self.level != "member":
            raise ValueError(Bilingual("once_per_household（每户一次）只用于成员措施",
                                       "once_per_household is for member measures"))
        return self


class IncomeGap(_Strict):
    """How far a household is from the income standard. ``rule`` is the standard in the rule
    language, ``per_capita_net_income >= <amount>`` (usually ``poverty_line``); the gap is the amount
    minus per-capita net income, times the income record's household size. The indicators listed
    are met once income reaches the amount."""

    indicators: tuple[str, ...]
    rule: str
    margin_percent: Decimal = Field(default=Decimal(0), ge=0, le=100)
    source: Source


class Visits(_Strict):
    interval_days: int = Field(ge=1, le=366)
    source: Source


class Pairing(_Strict):
    max_households_per_cadre: int = Field(ge=1, le=100)
    source: Source


class Catalogue(_Strict):
    catalogue: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")  # the policy pack it belongs to
    version: str = Field(min_length=1)
    name: Text
    description: Text
    disclaimer: Text
    due: Due
    visits: Visits
    pairing: Pairing
    income_gap: IncomeGap
    parameters: dict[str, Parameter] = {}
    categories: dict[str, Category]
    fund_sources: dict[str, FundSource]
    capacities: dict[str, Capacity] = {}
    measures: dict[str, Measure]

    @field_validator("parameters", "categories", "fund_sources", "capacities", "measures")
    @classmethod
    def _names(cls, v: dict[str, object]) -> dict[str, object]:
        for key in v:
            if not re.match(NAME, str(key)):
                raise ValueError(Bilingual(f"名称 {key!r} 须为小写字母、数字、下划线",
                                           f"name {key!r} must be lower_snake_case"))
        return v

    def measures_of(self, role: str) -> dict[str, Measure]:
        return {k: m for k, m in self.measures.items() if m.role == role}
