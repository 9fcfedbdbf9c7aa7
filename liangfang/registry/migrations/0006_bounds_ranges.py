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
    ("registry_villagefacilities", "collective_income", Decimal("0"), Decimal("10000000000"), False),
    ("registry_household", "exit_year", Decimal("2013"), Decimal("2100"), True),
    ("registry_household", "housing_area", Decimal("0"), Decimal("10000"), True),
    ("registry_household", "housing_renovated_year", Decimal("1980"), Decimal("2100"), True),
    ("registry_household", "relocation_year", Decimal("1980"), Decimal("2100"), True),
    ("registry_household", "water_litres_per_day", Decimal("0"), Decimal("10000"), True),
    ("registry_household", "water_fetch_minutes", Decimal("0"), Decimal("1440"), True),
    ("registry_household", "water_days_without", Decimal("0"), Decimal("366"), True),
    ("registry_household", "distance_to_main_road_km", Decimal("0"), Decimal("1000"), True),
    ("registry_household", "cultivated_area", Decimal("0"), Decimal("100000"), False),
    ("registry_household", "irrigated_area", Decimal("0"), Decimal("100000"), False),
    ("registry_household", "forest_area", Decimal("0"), Decimal("100000"), False),
    ("registry_household", "grassland_area", Decimal("0"), Decimal("100000"), False),
    ("registry_incomerecord", "wage_income", Decimal("0"), Decimal("100000000"), False),
    ("registry_incomerecord", "business_income", Decimal("0"), Decimal("100000000"), False),
    ("registry_incomerecord", "property_income", Decimal("0"), Decimal("100000000"), False),
    ("registry_incomerecord", "transfer_family_planning", Decimal("0"), Decimal("100000000"), False),
    ("registry_incomerecord", "transfer_minimum_living", Decimal("0"), Decimal("100000000"), False),
    ("registry_incomerecord", "transfer_destitute_support", Decimal("0"), Decimal("100000000"), False),
    ("registry_incomerecord", "transfer_pension", Decimal("0"), Decimal("100000000"), False),
    ("registry_incomerecord", "transfer_eco_compensation", Decimal("0"), Decimal("100000000"), False),
    ("registry_incomerecord", "transfer_other", Decimal("0"), Decimal("100000000"), False),
    ("registry_incomerecord", "business_expense", Decimal("0"), Decimal("100000000"), False),
]


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0005_figures_dated_facts'),
    ]

    operations = [
        migrations.RunPython(repair_out_of_range(COLUMNS, "migration registry.0005"), migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.CheckConstraint(condition=models.Q(('exit_year__gte', Decimal('2013')), ('exit_year__lte', Decimal('2100'))), name='household_exit_year_in_range'),
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.CheckConstraint(condition=models.Q(('housing_area__gte', Decimal('0')), ('housing_area__lte', Decimal('10000'))), name='household_housing_area_in_range'),
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.CheckConstraint(condition=models.Q(('housing_renovated_year__gte', Decimal('1980')), ('housing_renovated_year__lte', Decimal('2100'))), name='household_housing_renovated_year_in_range'),
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.CheckConstraint(condition=models.Q(('relocation_year__gte', Decimal('1980')), ('relocation_year__lte', Decimal('2100'))), name='household_relocation_year_in_range'),
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.CheckConstraint(condition=models.Q(('water_litres_per_day__gte', Decimal('0')), ('water_litres_per_day__lte', Decimal('10000'))), name='household_water_litres_per_day_in_range'),
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.CheckConstraint(condition=models.Q(('water_fetch_minutes__gte', Decimal('0')), ('water_fetch_minutes__lte', Decimal('1440'))), name='household_water_fetch_minutes_in_range'),
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.CheckConstraint(condition=models.Q(('water_days_without__gte', Decimal('0')), ('water_days_without__lte', Decimal('366'))), name='household_water_days_without_in_range'),
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.CheckConstraint(condition=models.Q(('distance_to_main_road_km__gte', Decimal('0')), ('distance_to_main_road_km__lte', Decimal('1000'))), name='household_distance_to_main_road_km_in_range'),
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.CheckConstraint(condition=models.Q(('cultivated_area__gte', Decimal('0')), ('cultivated_area__lte', Decimal('100000'))), name='household_cultivated_area_in_range'),
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.CheckConstraint(condition=models.Q(('irrigated_area__gte', Decimal('0')), ('irrigated_area__lte', Decimal('100000'))), name='household_irrigated_area_in_range'),
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.CheckConstraint(condition=models.Q(('forest_area__gte', Decimal('0')), ('forest_area__lte', Decimal('100000'))), name='household_forest_area_in_range'),
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.CheckConstraint(condition=models.Q(('grassland_area__gte', Decimal('0')), ('grassland_area__lte', Decimal('100000'))), name='household_grassland_area_in_range'),
        ),
        migrations.AddConstraint(
            model_name='incomerecord',
            constraint=models.CheckConstraint(condition=models.Q(('year__gte', Decimal('2000')), ('year__lte', Decimal('2100'))), name='income_year_in_range'),
        ),
        migrations.AddConstraint(
            model_name='incomerecord',
            constraint=models.CheckConstraint(condition=models.Q(('wage_income__gte', Decimal('0')), ('wage_income__lte', Decimal('100000000'))), name='income_wage_income_in_range'),
        ),
        migrations.AddConstraint(
            model_name='incomerecord',
            constraint=models.CheckConstraint(condition=models.Q(('business_income__gte', Decimal('0')), ('business_income__lte', Decimal('100000000'))), name='income_business_income_in_range'),
        ),
        migrations.AddConstraint(
            model_name='incomerecord',
            constraint=models.CheckConstraint(condition=models.Q(('property_income__gte', Decimal('0')), ('property_income__lte', Decimal('100000000'))), name='income_property_income_in_range'),
        ),
        migrations.AddConstraint(
            model_name='incomerecord',
            constraint=models.CheckConstraint(condition=models.Q(('transfer_family_planning__gte', Decimal('0')), ('transfer_family_planning__lte', Decimal('100000000'))), name='income_transfer_family_planning_in_range'),
        ),
        migrations.AddConstraint(
            model_name='incomerecord',
            constraint=models.CheckConstraint(condition=models.Q(('transfer_minimum_living__gte', Decimal('0')), ('transfer_minimum_living__lte', Decimal('100000000'))), name='income_transfer_minimum_living_in_range'),
        ),
        migrations.AddConstraint(
            model_name='incomerecord',
            constraint=models.CheckConstraint(condition=models.Q(('transfer_destitute_support__gte', Decimal('0')), ('transfer_destitute_support__lte', Decimal('100000000'))), name='income_transfer_destitute_support_in_range'),
        ),
        migrations.AddConstraint(
            model_name='incomerecord',
            constraint=models.CheckConstraint(condition=models.Q(('transfer_pension__gte', Decimal('0')), ('transfer_pension__lte', Decimal('100000000'))), name='income_transfer_pension_in_range'),
        ),
        migrations.AddConstraint(
            model_name='incomerecord',
            constraint=models.CheckConstraint(condition=models.Q(('transfer_eco_compensation__gte', Decimal('0')), ('transfer_eco_compensation__lte', Decimal('100000000'))), name='income_transfer_eco_compensation_in_range'),
        ),
        migrations.AddConstraint(
            model_name='incomerecord',
            constraint=models.CheckConstraint(condition=models.Q(('transfer_other__gte', Decimal('0')), ('transfer_other__lte', Decimal('100000000'))), name='income_transfer_other_in_range'),
        ),
        migrations.AddConstraint(
            model_name='incomerecord',
            constraint=models.CheckConstraint(condition=models.Q(('business_expense__gte', Decimal('0')), ('business_expense__lte', Decimal('100000000'))), name='income_business_expense_in_range'),
        ),
        migrations.AddConstraint(
            model_name='villagefacilities',
            constraint=models.CheckConstraint(condition=models.Q(('collective_income__gte', Decimal('0')), ('collective_income__lte', Decimal('10000000000'))), name='village_facilities_collective_income_in_range'),
        ),
    ]
