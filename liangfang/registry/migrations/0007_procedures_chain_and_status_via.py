"""The hash chain over the change log (seq, prev_hash, hash; the chain's head), the source and date
of a household's status, and the office phone of a region (printed on notices).

Existing change records are chained in the order they were written (id), in three steps: columns
added nullable, filled, then made NOT NULL and unique."""

import django.utils.timezone
from django.db import migrations, models


def chain_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    from liangfang.audit.chain import GENESIS, entry_hash

    ChangeRecord = apps.get_model("registry", "ChangeRecord")
    ChainHead = apps.get_model("registry", "ChainHead")
    fields = ("at", "actor", "action", "entity", "entity_id", "household_number", "changes", "note")
    prev, seq, batch = GENESIS, 0, []
    for row in ChangeRecord.objects.order_by("id").values("id", *fields).iterator(chunk_size=5000):
        seq += 1
        h = entry_hash(prev, ["registry.changerecord", seq, *(row[f] for f in fields)])
        batch.append(ChangeRecord(id=row["id"], seq=seq, prev_hash=prev, hash=h))
        prev = h
        if len(batch) >= 5000:
            ChangeRecord.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
            batch = []
    ChangeRecord.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
    ChainHead.objects.create(pk=1, seq=seq, hash=prev)


def registered_were_imported(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Every status written before procedures existed came from an import, the synthetic
    district or a form: none from a procedure of this system."""
    apps.get_model("registry", "Household").objects.filter(is_registered=True).update(status_via="imported")


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_bounds_ranges")]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "哈希链头 chain head", "verbose_name_plural": "哈希链头 chain head"},
        ),
        migrations.AlterField(
            model_name="changerecord", name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="时间"),
        ),
        migrations.AddField(model_name="changerecord", name="seq",
                            field=models.BigIntegerField(editable=False, null=True, verbose_name="链序号")),
        migrations.AddField(model_name="changerecord", name="prev_hash",
                            field=models.CharField(default="", editable=False, max_length=64, verbose_name="前一哈希"),
                            preserve_default=False),
        migrations.AddField(model_name="changerecord", name="hash",
                            field=models.CharField(default="", editable=False, max_length=64, verbose_name="哈希"),
                            preserve_default=False),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(model_name="changerecord", name="seq",
                              field=models.BigIntegerField(editable=False, unique=True, verbose_name="链序号")),
        migrations.AddField(
            model_name="household", name="status_via",
            field=models.CharField(blank=True, choices=[("", "未记录 not recorded"), ("imported", "导入的历史记录 imported record"),
                                                        ("procedure", "程序决定 decided by procedure")],
                                   max_length=10, verbose_name="状态来源"),
        ),
        migrations.RunPython(registered_were_imported, migrations.RunPython.noop),
        migrations.AddField(model_name="household", name="status_since",
                            field=models.DateField(blank=True, null=True, verbose_name="状态生效日期")),
        migrations.AddField(model_name="region", name="office_phone",
                            field=models.CharField(blank=True, max_length=40, verbose_name="办公电话")),
    ]
