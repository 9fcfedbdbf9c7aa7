"""Rules on a household and its members that need no database: the importer runs them on
rows before anything is written, and the batch writer (every save: a form's is a batch of one)
runs them again."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from ...domain.codes import code_list
from ...domain.problems import Problem
from ...domain.text import Text
from ...ids import parse_resident_id

REGISTERED_REQUIRED = ("poverty_attribute", "main_cause", "identification_standard",
                       "first_identified_on")


def check_household(data: Mapping[str, Any], *, item: int | None = None) -> list[Problem]:
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(field=field, value=data.get(field), message=message, item=item))

    registered = bool(data.get("is_registered"))
    status = data.get("status") or ("not_exited" if registered else "general")
    if registered and status == "general":
        bad("status", Text("建档立卡户的状态应为 未脱贫、已脱贫 或 返贫",
                           "a registered household's "
                           "status must be not exited, exited or relapsed"))
    if not registered and status != "general":
        bad("status", Text("非建档立卡户的状态只能是 一般农户",
                           "a household that is not registered "
                           "must have status general"))
    if registered:
        for name in REGISTERED_REQUIRED:
            if not data.get(name):
                bad(name, Text("建档立卡户必须填写此项", f"required for a registered household: {name}"))
    main = data.get("main_cause") or ""
    other1 = data.get("other_cause_1") or ""
    other2 = data.get("other_cause_2") or ""
    if other2 and not other1:
        bad("other_cause_2", Text("请先填写其他致贫原因一", "fill other cause 1 before other cause 2"))
    if other1 and other1 == main:
        bad("other_cause_1", Text("其他致贫原因不能与主要致贫原因相同", "other cause repeats the main cause"))
    if other2 and other2 in (main, other1):
        bad("other_cause_2", Text("其他致贫原因不能重复",
                                  "other causes must differ from each other and "
                                  "from the main cause"))
    if (other1 or other2) and not main:
        bad("main_cause", Text("填写其他致贫原因时必须有主要致贫原因", "a main cause is required"))
    exit_year = data.get("exit_year")
    if status == "exited" and not exit_year:
        bad("exit_year", Text("已脱贫户必须填写脱贫年度", "an exited household needs its exit year"))
    if exit_year and status not in ("exited", "relapsed"):
        bad("exit_year", Text("只有已脱贫或返贫户才有脱贫年度",
                              "only exited or relapsed households "
                              "have an exit year"))
    first = data.get("first_identified_on")
    if exit_year and first and exit_year < first.year:
        bad("exit_year", Text(f"脱贫年度 {exit_year} 早于首次识别 {first.year}",
                              "exit year is before "
                              "the first identification"))
    if data.get("relocation_mode") not in (None, "", "none") and not data.get("relocation_year"):
        bad("relocation_year", Text("易地搬迁户必须填写搬迁入住年度",
                                    "a relocated household needs "
                                    "its move-in year"))
    return problems


def joining_problems(data: Mapping[str, Any], *, item: int | None = None,
                     member: int | None = None) -> list[Problem]:
    """When and why a member joined (增员): a known reason, a date neither in the future nor before
    the member's birth."""
    on, reason, born = data.get("joined_on"), data.get("joined_reason"), data.get("birth_date")
    problems = []
    if reason and reason not in code_list("member_joined_reason").codes:
        allowed = "、".join(code_list("member_joined_reason").codes)
        problems.append(Problem("joined_reason", reason, Text(f"增员原因应为：{allowed}",
                                                              f"the reason for joining is one of {allowed}"),
                                item, member))
    if on is not None and on > timezone.localdate():
        problems.append(Problem("joined_on", on, Text("增员日期不能晚于今天",
                                                      "the joining date cannot be in the future"), item, member))
    if on is not None and isinstance(born, dt.date) and on < born:
        problems.append(Problem("joined_on", on, Text("增员日期不能早于出生日期",
                                                      "the joining date cannot be before the birth date"),
                                item, member))
    return problems


def check_member(data: Mapping[str, Any], *, item: int | None = None,
                 member: int | None = None) -> list[Problem]:
    problems: list[Problem] = []
    if data.get("joined_on") is not None or data.get("joined_reason"):  # most members have neither
        problems += joining_problems(data, item=item, member=member)
    rid = data.get("resident_id")
    if not rid:
        return problems
    parsed = parse_resident_id(rid)
    birth = data.get("birth_date")
    if birth and birth != parsed.birth_date:
        problems.append(Problem(
            "birth_date", birth,
            Text(f"出生日期 {birth} 与身份证号码中的 {parsed.birth_date} 不一致",
                 "birth date does not "
                 f"match the resident ID ({parsed.birth_date})"), item, member))
    sex = data.get("sex")
    if sex and sex != parsed.sex:
        problems.append(Problem(
            "sex", sex, Text("性别与身份证号码第 17 位不一致", "sex does not match the resident ID"),
            item, member))
    if (data.get("months_worked") or 0) > 0 and data.get("work_status") in (None, "", "none"):
        problems.append(Problem(
            "work_status", data.get("work_status"),
            Text("有务工时间时应填写务工状况", "months worked needs a work status"), item, member))
    return problems


def check_members(members: Sequence[Mapping[str, Any]], *, item: int | None = None) -> list[Problem]:
    """One active head, no resident ID twice, plus each member's own rules."""
    problems: list[Problem] = []
    for i, m in enumerate(members):
        problems += check_member(m, item=item, member=i)
    heads = [i for i, m in enumerate(members) if m.get("relation") == "head"]
    if not members:
        problems.append(Problem("members", None, Text("农户至少要有一名成员（户主）",
                                                      "a household needs "
                                                      "at least one member, its head"), item))
    elif not heads:
        problems.append(Problem("relation", None, Text("该户没有户主，请把一名成员的与户主关系填为 户主",
                                                       "the household has no head; mark one member as head"), item))
    elif len(heads) > 1:
        for i in heads[1:]:
            problems.append(Problem("relation", "head", Text("该户已有户主，一户只能有一名户主",
                                                             "the "
                                                             "household already has a head"), item, i))
    rids = [rid for m in members if (rid := m.get("resident_id"))]
    if len(set(rids)) == len(rids):  # the usual case: no one twice, no Counter to build
        return problems
    counts = Counter(rids)
    for i, m in enumerate(members):
        if counts[m.get("resident_id")] > 1:
            problems.append(Problem("resident_id", m.get("resident_id"),
                                    Text("同一身份证号码在本户出现多次",
                                         "the same resident ID appears "
                                         "twice in this household"), item, i))
    return problems
