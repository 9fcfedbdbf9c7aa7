"""The household fields that a procedure governs (DESIGN: procedures govern status). Services and
forms refuse to set them; they change only through ``services.status.household_status_decide``,
which a procedure's decision calls, or by an import of historic records (marked ``imported``) for a
household whose status no procedure has decided here: once one has, only another procedure changes it.

A new procedure kind that governs another field adds it here (e.g. the monitoring type)."""

from __future__ import annotations

from ..domain.text import Text

GOVERNED_FIELDS: dict[str, str] = {
    "is_registered": "贫困户识别 identification",
    "status": "贫困户识别或退出 identification or exit",
    "exit_year": "贫困户退出 exit",
    "first_identified_on": "贫困户识别 identification",
    "status_via": "程序 procedure",
    "status_since": "程序 procedure",
    "monitoring": "监测对象识别纳入或风险消除 monitoring identification or risk elimination",
}


def decided_message(field: str, since: object) -> Text:
    """Why a batch (an import) may not change ``field``: a procedure of this system decided it."""
    zh, en = GOVERNED_FIELDS[field].split(" ", 1)
    return Text(f"「{field}」已由程序（{zh}）于 {since} 决定，导入不能修改：请在“程序”中办理",
                f"{field} was decided by a procedure ({en}) on {since}; an import cannot change it: open a case "
                "under Procedures")


def governed_message(field: str) -> Text:
    zh, en = GOVERNED_FIELDS[field].split(" ", 1)
    return Text(f"「{field}」由程序（{zh}）决定，不能直接修改：请在“程序”中办理，历史记录请通过导入带入",
                f"{field} is set by its procedure ({en}), not directly: open a case under Procedures; bring "
                "historic records in by import")
