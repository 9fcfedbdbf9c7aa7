"""The region tree of the synthetic district: 吉林省 → 白城市 → 洮北区 (220802) → 12 townships →
129 administrative villages (53 poor villages) → 3–6 groups (屯) per village.

The tree is fixed, whatever the seed, so that a user meets the same villages in every demo:
金祥乡新建村 and 东胜乡红日村 (both named in the article) are poor villages. Township names
follow the district's real towns and townships; their codes, the other village names, the
groups, the poor-village choice and the village sizes are invented. Codes follow the statistical
division scheme: 6-digit county + 3-digit township (1xx town, 2xx township) + 3-digit village
(2xx for a villagers' committee); a group appends three digits.

Poor villages exit (出列) 2016–2019, before the county's own exit in April 2020: 6 in 2016,
12 in 2017, 17 in 2018 and 18 in 2019.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PROVINCE = ("220000000000", "吉林省")
CITY = ("220800000000", "白城市")
COUNTY = ("220802000000", "洮北区")
COUNTY_ID_PREFIX = "220802"  # the division code in residents' ID numbers

# (3-digit code, name, number of villages); 129 villages in all.
TOWNSHIPS: tuple[tuple[str, str, int], ...] = (
    ("101", "平台镇", 12), ("102", "青山镇", 11), ("103", "林海镇", 10), ("104", "洮河镇", 11),
    ("105", "平安镇", 10), ("106", "到保镇", 11), ("107", "岭下镇", 9), ("201", "东风乡", 11),
    ("202", "三合乡", 10), ("203", "东胜乡", 12), ("204", "金祥乡", 12), ("205", "德顺蒙古族乡", 10),
)
POOR_VILLAGE_EXITS: dict[int, int] = {2016: 6, 2017: 12, 2018: 17, 2019: 18}  # 53 poor villages
NAMED_IN_ARTICLE = {"金祥乡": "新建村", "东胜乡": "红日村"}

_VILLAGE_STEMS = (
    "永安", "胜利", "前进", "兴隆", "太平", "和平", "团结", "民主", "富强", "双合", "三合", "东升",
    "新立", "永丰", "保安", "万宝", "长兴", "平原", "红旗", "光明", "幸福", "向阳", "建国", "丰收",
    "立新", "东兴", "西岗", "南岗", "北山", "靠山", "英华", "金山", "银河", "宝山", "德胜", "庆丰",
    "长胜", "六家子", "三家子", "七井子", "八家子", "腰屯", "五棵树", "大房身", "小房身", "双井",
    "二龙", "福顺", "福兴", "永胜", "永合", "永兴", "长发", "长安", "长青", "广发", "广兴", "新华",
    "新民", "新发", "新胜", "新兴", "新生", "东风", "东方", "东安", "东明", "西安", "西胜", "南山",
    "北岗", "中心", "中兴", "合发", "合心", "利民", "复兴", "振兴", "跃进", "先锋", "红光", "红星",
    "朝阳", "青山", "青松", "柳河", "榆树", "杨树", "平安", "平川", "安乐", "安全", "吉祥", "吉庆",
    "德顺", "德发", "海丰", "海城", "金星", "金宝", "金沙", "大岗", "小岗", "四合", "五一", "六合",
    "七一", "八一", "九龙", "十家户", "三星", "五星", "双山", "双龙", "双胜", "庆安", "庆余", "富民",
    "富裕", "富有", "兴华", "兴旺", "隆盛", "永红", "民乐", "民生", "同心", "同乐", "东岗", "西屯",
    "后岗", "前岗", "二井", "四井", "太和", "福安", "春光", "曙光", "黎明", "宏伟", "友谊", "友好",
)
_GROUP_SUFFIXES = ("屯", "窝堡", "店", "岗子", "屯")
_GROUP_PLAIN = ("前屯", "后屯", "东屯", "西屯", "南屯", "北屯", "新屯", "老屯", "大屯", "小屯")
_GROUP_SURNAMES = "王李张刘赵孙于杨陈高徐马郭姜吴周朱韩金宋孟董崔付白曲邵关田丁"


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    township_code: str
    township_name: str
    is_poor: bool
    exit_year: int | None
    weight: float  # relative rural population
    groups: tuple[tuple[str, str], ...]  # (15-digit code, name)


@dataclass(frozen=True)
class District:
    villages: tuple[Village, ...]

    @property
    def poor_villages(self) -> tuple[Village, ...]:
        return tuple(v for v in self.villages if v.is_poor)

    def region_rows(self, *, with_groups: bool = True) -> list[dict[str, object]]:
        """Rows for ``regions_write_many``, parents first."""
        rows: list[dict[str, object]] = [
            {"code": PROVINCE[0], "name": PROVINCE[1], "level": "province"},
            {"code": CITY[0], "name": CITY[1], "level": "city", "parent_code": PROVINCE[0]},
            {"code": COUNTY[0], "name": COUNTY[1], "level": "county", "parent_code": CITY[0]},
        ]
        seen: set[str] = set()
        for v in self.villages:
            if v.township_code not in seen:
                seen.add(v.township_code)
                # A made-up office number in Baicheng's area code (0436), for the notices' "where to object".
                rows.append({"code": v.township_code, "name": v.township_name, "level": "township",
                             "parent_code": COUNTY[0], "office_phone": f"0436-36{v.township_code[6:9]}00"})
        for v in self.villages:
            rows.append({"code": v.code, "name": v.name, "level": "village",
                         "parent_code": v.township_code, "is_poor_village": v.is_poor,
                         "exit_year": v.exit_year})
        if with_groups:
            for v in self.villages:
                rows += [{"code": code, "name": name, "level": "group", "parent_code": v.code}
                         for code, name in v.groups]
        return rows


def _groups(rng: random.Random, village_code: str) -> tuple[tuple[str, str], ...]:
    names: list[str] = []
    for _ in range(rng.randint(3, 6)):
        while True:
            if rng.random() < 0.3:
                name = rng.choice(_GROUP_PLAIN)
            else:
                name = rng.choice(_GROUP_SURNAMES) + "家" + rng.choice(_GROUP_SUFFIXES)
            if name not in names:
                names.append(name)
                break
    return tuple((f"{village_code}{i + 1:03d}", name) for i, name in enumerate(names))


def taobei_district() -> District:
    """The fixed 129-village tree (independent of the generation seed)."""
    rng = random.Random(220802)
    stems = list(_VILLAGE_STEMS)
    rng.shuffle(stems)
    reserved = {n.removesuffix("村") for n in NAMED_IN_ARTICLE.values()}
    stems = [s for s in stems if s not in reserved]
    drafts: list[tuple[str, str, str, str]] = []  # (code, name, township code, township name)
    for tcode, tname, count in TOWNSHIPS:
        township = f"{COUNTY_ID_PREFIX}{tcode}000"
        names = [stems.pop() + "村" for _ in range(count)]
        if tname in NAMED_IN_ARTICLE:
            names[0] = NAMED_IN_ARTICLE[tname]
        drafts += [(f"{COUNTY_ID_PREFIX}{tcode}{200 + i + 1:03d}", name, township, tname)
                   for i, name in enumerate(names)]
    named = [i for i, d in enumerate(drafts) if d[1] in NAMED_IN_ARTICLE.values() and
             NAMED_IN_ARTICLE.get(d[3]) == d[1]]
    others = [i for i in range(len(drafts)) if i not in named]
    poor = named + rng.sample(others, sum(POOR_VILLAGE_EXITS.values()) - len(named))
    exit_years = [y for y, n in POOR_VILLAGE_EXITS.items() for _ in range(n)]
    rng.shuffle(exit_years)
    exit_of = dict(zip(poor, exit_years, strict=True))
    villages = []
    for i, (code, name, tcode, tname) in enumerate(drafts):
        weight = min(2.2, max(0.45, rng.lognormvariate(0.0, 0.35)))
        villages.append(Village(code=code, name=name, township_code=tcode, township_name=tname,
                                is_poor=i in exit_of, exit_year=exit_of.get(i), weight=weight,
                                groups=_groups(rng, code)))
    return District(villages=tuple(villages))
