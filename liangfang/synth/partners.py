"""Partner departments (区直包保部门) and responsible cadres (帮扶责任人) of the synthetic district.

The article counts 104 district departments and 2,400-odd Party-member cadres, with every
registered household paired with a cadre (全覆盖包保). Here every village has one partner
department and every poor village a second; cadres are shared among departments by the
registered households of their villages, and each registered household gets one cadre of a
department paired with its village, so a cadre carries about three households (at most
``MAX_LOAD``). The department names are typical district bodies, not a list from Taobei.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .geography import District
from .identity import PhoneBook, ResidentIds, random_date
from .names import NameMaker
from .plan import quotas

MAX_LOAD = 10

_BUREAUS = (
    "区委办公室", "区政府办公室", "区人大常委会办公室", "区政协办公室", "区纪委监委", "区委组织部",
    "区委宣传部", "区委统战部", "区委政法委", "区委编办", "区委党校", "区委老干部局", "区直机关工委",
    "区发展和改革局", "区教育局", "区科学技术局", "区工业和信息化局", "区民族宗教事务局", "区公安分局",
    "区民政局", "区司法局", "区财政局", "区人力资源和社会保障局", "区自然资源分局", "区生态环境分局",
    "区住房和城乡建设局", "区交通运输局", "区水利局", "区农业农村局", "区商务局", "区文化广播电视和旅游局",
    "区卫生健康局", "区退役军人事务局", "区应急管理局", "区审计局", "区统计局", "区市场监督管理局",
    "区医疗保障局", "区林业局", "区畜牧业管理局", "区乡村振兴局", "区信访局", "区机关事务管理局",
    "区政务服务和数字化建设管理局", "区城市管理行政执法局", "区供销合作社", "区总工会", "团区委",
    "区妇联", "区科协", "区残联", "区工商联", "区文联", "区红十字会", "区档案馆", "区融媒体中心",
    "区人民法院", "区人民检察院", "区税务局", "区气象局", "区粮食和物资储备局", "区农业技术推广中心",
    "区农机化技术推广站", "区动物疫病预防控制中心", "区水利工程管理站", "区疾病预防控制中心",
    "区人民医院", "区中医院", "区妇幼保健计划生育服务中心", "区第一中学", "区第二中学", "区实验小学",
    "区职业教育中心", "区进修学校", "区图书馆", "区文化馆", "区就业服务局", "区社会保险事业管理局",
    "区住房公积金管理部", "区不动产登记中心", "区土地收购储备中心", "区公路管理段", "区农村公路管理站",
    "区经济开发区管委会", "区招商局", "区对外经济合作服务中心", "区投资促进中心", "区国有资产服务中心",
    "区扶贫开发办公室", "区农村经济管理总站", "区种子管理站", "区植保站", "区土壤肥料工作站",
    "区农村能源站", "区森林病虫害防治检疫站", "区林业工作总站", "区水土保持工作站", "区防汛抗旱服务站",
    "区城乡规划设计院", "区建设工程质量监督站", "区环境卫生管理处", "区园林绿化管理处", "区殡葬管理所",
    "区救助管理站",
)
_POSTS = ("科员", "科员", "科员", "科员", "副主任科员", "主任科员", "股长", "副股长", "办公室主任",
          "副局长", "专业技术人员", "专业技术人员", "一级科员", "四级主任科员")


@dataclass(frozen=True)
class Partners:
    departments: list[dict[str, Any]]
    department_pairings: list[dict[str, Any]]
    cadres: list[dict[str, Any]]
    cadre_pairings: list[dict[str, Any]]


def department_names() -> tuple[str, ...]:
    names = tuple("洮北" + n if n.startswith("区") else "共青团洮北区委" for n in _BUREAUS)
    assert len(set(names)) == 104, len(set(names))
    return names


def make_partners(rng: random.Random, district: District, households: Sequence[tuple[str, str, dt.date]],
                  cadre_count: int, names: NameMaker, ids: ResidentIds, phones: PhoneBook) -> Partners:
    """``households``: (number, village code, first identified on) of every registered household."""
    departments = list(department_names())
    villages = [v.code for v in district.villages]
    order = list(departments)
    rng.shuffle(order)
    pairs: dict[str, list[str]] = {code: [] for code in villages}  # village → departments
    for i, code in enumerate(villages):
        pairs[code].append(order[i % len(order)])
    extra = iter(order[len(villages) % len(order):] + order)
    for v in district.poor_villages:
        d = next(extra)
        while d in pairs[v.code]:
            d = next(extra)
        pairs[v.code].append(d)
    department_pairings = [
        {"department": d, "village_code": code, "start_date": dt.date(2016 if k else 2015, 3, 1),
         "end_date": None}
        for code in villages for k, d in enumerate(pairs[code])]

    # Each registered household goes to one of its village's departments, alternately.
    by_department: dict[str, list[tuple[str, dt.date]]] = {d: [] for d in departments}
    turn: dict[str, int] = {}
    for number, village, identified in households:
        ds = pairs[village]
        k = turn.get(village, 0)
        turn[village] = k + 1
        by_department[ds[k % len(ds)]].append((number, identified))
    load = {d: len(hs) + 1 for d, hs in by_department.items()}  # +1: every department has cadres
    share = quotas(max(cadre_count, len(departments)), load)
    cadres: list[dict[str, object]] = []
    cadre_pairings: list[dict[str, object]] = []
    numbers = iter(phones.take(sum(max(1, share[d]) for d in departments)))
    for d in departments:
        team = []
        for _ in range(max(1, share[d])):
            sex = "male" if rng.random() < 0.6 else "female"
            born = random_date(rng, rng.randint(1963, 1995))
            rid = ids.make("220802", born, sex)
            team.append(rid)
            cadres.append({"resident_id": rid, "name": names.full_name(sex, born.year), "department": d,
                           "unit_name": d, "post": rng.choice(_POSTS), "phone": next(numbers),
                           "unit_level": "county"})
        hs = by_department[d]
        if len(hs) > MAX_LOAD * len(team):
            raise RuntimeError(f"{d}: {len(hs)} households for {len(team)} cadres")
        for k, (number, identified) in enumerate(hs):
            start = max(identified, random_date(rng, 2015, dt.date(2015, 3, 1), dt.date(2016, 6, 30)))
            cadre_pairings.append({"cadre": team[k % len(team)], "household_number": number,
                                   "start_date": start, "end_date": None})
    return Partners(
        departments=[{"name": d, "unit_level": "county"} for d in departments],
        department_pairings=department_pairings, cadres=cadres, cadre_pairings=cadre_pairings,
    )
