"""The analytic Parquet layout stays in step with the registry tables."""

import pyarrow as pa
from django.apps import apps
from django.db.models import DecimalField

from liangfang.layout import TABLES

_ARROW_FOR = {
    "BigAutoField": pa.int64(), "ForeignKey": pa.int64(), "CharField": pa.string(),
    "BooleanField": pa.bool_(), "DateField": pa.date32(), "PositiveSmallIntegerField": pa.int16(),
    "PositiveIntegerField": pa.int32(),
}


def test_every_layout_column_is_a_column_of_its_table() -> None:
    models = {m._meta.db_table: m for m in apps.get_app_config("registry").get_models()}
    for table in TABLES:
        model = models[table.db_table]
        columns = {f.column: f for f in model._meta.concrete_fields}
        for name, arrow_type in table.columns:
            assert name in columns, f"{table.name}.{name} is not a column of {table.db_table}"
            field = columns[name]
            kind = field.get_internal_type()
            if kind == "DecimalField":
                assert isinstance(field, DecimalField), name
                assert pa.types.is_decimal(arrow_type), name
                assert arrow_type.scale == field.decimal_places, name
            else:
                assert arrow_type == _ARROW_FOR[kind], (table.name, name, kind)


def test_sensitive_columns_never_leave_in_the_layout() -> None:
    households = dict(next(t for t in TABLES if t.name == "households").columns)
    members = dict(next(t for t in TABLES if t.name == "members").columns)
    assert "phone" not in households and "bank_account" not in households
    assert "phone" not in members and "name" not in members
