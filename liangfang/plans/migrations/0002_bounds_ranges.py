"""The ranges of the field table as CHECK constraints (issue 13, high 3).

Before they are added, every stored value outside its range -- Inf and NaN that SQLite kept from
an amount such as 1e999999, a negative or huge figure -- is cleared: NULL where the column allows
it, else the minimum (0), each with a change-log record (action ``repair_out_of_range``) holding
the old value, so the right one can be entered again. The ranges are frozen here as they were
when this migration was written. (A year outside its range and a project spending cannot have
been stored through the services, and are not repaired: the constraint then fails loudly.)
"""

from decimal import Decimal

from django.db import migrations, models

from liangfang.registry.bounds import repair_out_of_range

COLUMNS = [
    ("plans_planrun", "budget", Decimal("0"), Decimal("10000000000"), True),
    ("plans_planrun", "total_cost", Decimal("0"), Decimal("10000000000"), False),
    ("plans_planmeasure", "cost", Decimal("0"), Decimal("100000000"), False),
    ("plans_planmeasure", "expected_gain", Decimal("0"), Decimal("100000000"), False),
    ("plans_delivery", "amount", Decimal("0"), Decimal("100000000"), False),
    ("plans_delivery", "income_gain", Decimal("0"), Decimal("100000000"), False),
    ("plans_project", "budget", Decimal("0"), Decimal("10000000000"), False),
    ("plans_projectfund", "amount", Decimal("0"), Decimal("10000000000"), False),
]


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0001_initial'),
        ('registry', '0006_bounds_ranges'),
    ]

    operations = [
        migrations.RunPython(repair_out_of_range(COLUMNS, "migration plans.0002"), migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', Decimal('0')), ('amount__lte', Decimal('100000000'))), name='delivery_amount_in_range'),
        ),
        migrations.AddConstraint(
            model_name='delivery',
            constraint=models.CheckConstraint(condition=models.Q(('income_gain__gte', Decimal('0')), ('income_gain__lte', Decimal('100000000'))), name='delivery_income_gain_in_range'),
        ),
        migrations.AddConstraint(
            model_name='planmeasure',
            constraint=models.CheckConstraint(condition=models.Q(('cost__gte', Decimal('0')), ('cost__lte', Decimal('100000000'))), name='plan_measure_cost_in_range'),
        ),
        migrations.AddConstraint(
            model_name='planmeasure',
            constraint=models.CheckConstraint(condition=models.Q(('expected_gain__gte', Decimal('0')), ('expected_gain__lte', Decimal('100000000'))), name='plan_measure_expected_gain_in_range'),
        ),
        migrations.AddConstraint(
            model_name='planrun',
            constraint=models.CheckConstraint(condition=models.Q(('budget__gte', Decimal('0')), ('budget__lte', Decimal('10000000000'))), name='plan_run_budget_in_range'),
        ),
        migrations.AddConstraint(
            model_name='planrun',
            constraint=models.CheckConstraint(condition=models.Q(('total_cost__gte', Decimal('0')), ('total_cost__lte', Decimal('10000000000'))), name='plan_run_total_cost_in_range'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('budget__gte', Decimal('0')), ('budget__lte', Decimal('10000000000'))), name='project_budget_in_range'),
        ),
        migrations.AddConstraint(
            model_name='projectfund',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', Decimal('0')), ('amount__lte', Decimal('10000000000'))), name='project_fund_amount_in_range'),
        ),
        migrations.AddConstraint(
            model_name='projectspending',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', Decimal('0')), ('amount__lte', Decimal('10000000000'))), name='project_spending_amount_in_range'),
        ),
    ]
