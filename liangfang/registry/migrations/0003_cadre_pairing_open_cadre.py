"""On PostgreSQL, an index of the open pairings that carries the cadre: the household list's cadre
filter finds the cadres paired in a village by probing it once per household of the village, and
with the cadre in the index each probe reads no table row (2.2 → 1.2 ms for a village of 1,000
households). SQLite has no such indexes (INCLUDE); the models do not declare it, so Django leaves
it alone."""

from django.db import migrations

SQL = ("CREATE INDEX IF NOT EXISTS cadre_pairing_open_cadre ON registry_cadrepairing (household_id) "
       "INCLUDE (cadre_id) WHERE end_date IS NULL")


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS cadre_pairing_open_cadre")


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_household_registered_village")]
    operations = [migrations.RunPython(create, drop)]
