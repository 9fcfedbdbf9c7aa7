"""The two monitoring procedures moved from the exit pack (cn-national) to the monitoring packs: each
existing case of those kinds that names a pack which is not a monitoring pack now names the
monitoring pack in force (``LIANGFANG_MONITORING_PACK``, else the shipped default), and the change
is sealed: one case record per moved case, appended to the chain, so ``audit verify`` still finds
every case row equal to its latest record. Every other case keeps its pack."""

from django.db import migrations

CASE_FIELDS = ("kind", "pack", "pack_version", "year", "region_id_at", "state", "step", "clock_from", "opened_on",
               "opened_by", "decided_on", "subjects")


def _is_monitoring_pack(reference: str) -> bool:
    from liangfang.policy.loader import PackError
    from liangfang.policy.monitoring import load_monitoring_pack

    try:
        load_monitoring_pack(reference)
    except (PackError, OSError):
        return False
    return True


def name_monitoring_packs(apps, schema_editor):  # type: ignore[no-untyped-def]
    from django.db.models import F
    from django.utils import timezone

    from liangfang.audit.chain import GENESIS, entry_hash
    from liangfang.monitoring.packs import monitoring_pack_name
    from liangfang.policy.monitoring import load_monitoring_pack

    Case = apps.get_model("procedures", "Case")
    CaseSubject = apps.get_model("procedures", "CaseSubject")
    CaseRecord = apps.get_model("procedures", "CaseRecord")
    ChainHead = apps.get_model("registry", "ChainHead")
    candidates = list(Case.objects.filter(kind__in=("monitoring_identification", "risk_elimination"))
                      .order_by("id"))
    verdict: dict[str, bool] = {}
    moved = [c for c in candidates if not verdict.setdefault(c.pack, _is_monitoring_pack(c.pack))]
    if not moved:
        return
    name = monitoring_pack_name()
    pack = load_monitoring_pack(name)
    lists: dict[int, list[list[object]]] = {}
    for case_id, household, village, removed in CaseSubject.objects.filter(
            case_id__in=[c.id for c in moved]).order_by("case_id", "id").values_list(
            "case_id", "household_id", "village_id", "removed_on"):
        lists.setdefault(case_id, []).append([household, village, removed.isoformat() if removed else None])
    # the head's row first updated, then read: the chain's lock, as the services take it
    if not ChainHead.objects.filter(pk=1).update(seq=F("seq") + 0):
        ChainHead.objects.create(pk=1, seq=0, hash=GENESIS)
    head = ChainHead.objects.get(pk=1)
    seq, prev = head.seq, head.hash
    now = timezone.now()
    records = []
    for case in moved:
        case.pack, case.pack_version = name, pack.version
        case.save(update_fields=["pack", "pack_version"])
        values = {f: getattr(case, f) for f in CASE_FIELDS if f not in ("region_id_at", "subjects")}
        values.update(region_id_at=case.region_id, subjects=lists.get(case.id, []))
        seq += 1
        h = entry_hash(prev, ["procedures.caserecord", seq, case.id, *(values[f] for f in CASE_FIELDS), now])
        records.append(CaseRecord(case_id=case.id, at=now, seq=seq, prev_hash=prev, hash=h, **values))
        prev = h
    CaseRecord.objects.bulk_create(records, batch_size=1000)
    ChainHead.objects.filter(pk=1).update(seq=seq, hash=prev)


class Migration(migrations.Migration):

    dependencies = [
        ("procedures", "0002_case_records_chained"),
    ]

    # Backwards: the cases keep the monitoring pack (the older code cannot read the kinds there,
    # and re-sealing them back would only add records); restore from a backup to go back.
    operations = [
        migrations.RunPython(name_monitoring_packs, migrations.RunPython.noop),
    ]
