"""A household's income for one year. Net and per-capita net income are derived, never typed:
net = wage + business + property + transfer income − business expense; per capita = net / size."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from ...domain.fields import INCOME_FIELDS
from ..bounds import bounded, range_constraints
from .households import Household

TRANSFER_ITEMS = (
    "transfer_family_planning",
    "transfer_minimum_living",
    "transfer_destitute_support",
    "transfer_pension",
    "transfer_eco_compensation",
    "transfer_other",
)


def _money(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=Decimal(0))


class IncomeRecord(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="incomes", verbose_name="农户"
    )
    year = models.PositiveSmallIntegerField("年度")
    household_size = models.PositiveSmallIntegerField(
        "家庭人口", help_text="该年度在册人口；由系统按成员计算"
    )
    wage_income = _money("工资性收入")
    business_income = _money("生产经营性收入")
    property_income = _money("财产性收入")
    transfer_family_planning = _money("计划生育金")
    transfer_minimum_living = _money("低保金")
    transfer_destitute_support = _money("特困供养金")
    transfer_pension = _money("养老保险金")
    transfer_eco_compensation = _money("生态补偿金")
    transfer_other = _money("其他转移性收入")
    business_expense = _money("生产经营性支出")

    class Meta:
        verbose_name = "年度收入 income record"
        verbose_name_plural = "年度收入 income records"
        ordering = ["household_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="income_once_a_year"),
            models.CheckConstraint(condition=Q(household_size__gte=1), name="income_size_positive"),
            models.CheckConstraint(
                condition=Q(wage_income__gte=0, business_income__gte=0, property_income__gte=0,
                            business_expense__gte=0, transfer_other__gte=0,
                            transfer_family_planning__gte=0, transfer_minimum_living__gte=0,
                            transfer_destitute_support__gte=0, transfer_pension__gte=0,
                            transfer_eco_compensation__gte=0),
                name="income_amounts_not_negative",
            ),
            *range_constraints("income", bounded(INCOME_FIELDS)),
        ]

    def __str__(self) -> str:
        return f"{self.household.number} {self.year}"

    @property
    def transfer_income(self) -> Decimal:
        return sum((getattr(self, f) for f in TRANSFER_ITEMS), Decimal(0))

    @property
    def net_income(self) -> Decimal:
        return (
            self.wage_income + self.business_income + self.property_income
            + self.transfer_income - self.business_expense
        )

    @property
    def per_capita_net_income(self) -> Decimal:
        return (self.net_income / self.household_size).quantize(Decimal("0.01"))
