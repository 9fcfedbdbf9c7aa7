"""Chinese personal names for synthetic registries, drawn deterministically from a seeded RNG.

Surname weights lean to north-east China (王、李、张、刘、赵、孙、于 are the commonest there);
given names follow the fashions of the person's birth decade, so a woman born in 1940 is more
likely 淑芬 or 桂兰 and a girl born in 2012 more likely 梓涵 or 欣怡.

>>> import random
>>> maker = NameMaker(random.Random(1))
>>> len(maker.full_name("male", 1950)) in (2, 3, 4)
True
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

# (surname, relative weight). Weights are rough north-east frequencies, not census figures.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 110), ("李", 105), ("张", 95), ("刘", 80), ("赵", 45), ("孙", 40), ("于", 32),
    ("杨", 30), ("陈", 28), ("高", 25), ("徐", 22), ("马", 22), ("郭", 18), ("姜", 16),
    ("吴", 15), ("周", 15), ("朱", 14), ("韩", 14), ("金", 12), ("宋", 12), ("孟", 11),
    ("董", 11), ("崔", 11), ("付", 10), ("白", 10), ("曲", 9), ("邵", 9), ("关", 9),
    ("田", 9), ("丁", 8), ("何", 8), ("胡", 8), ("林", 8), ("尹", 7), ("石", 7), ("侯", 7),
    ("曹", 7), ("冯", 7), ("唐", 6), ("许", 6), ("袁", 6), ("邓", 6), ("谢", 6), ("范", 6),
    ("史", 6), ("魏", 6), ("吕", 6), ("苏", 6), ("蔡", 5), ("贾", 5), ("程", 5), ("薛", 5),
    ("梁", 5), ("宫", 5), ("隋", 5), ("任", 5), ("姚", 5), ("陶", 4), ("潘", 4), ("杜", 4),
    ("戴", 4), ("夏", 4), ("汪", 4), ("钟", 4), ("方", 4), ("廖", 3), ("郝", 4), ("毛", 3),
    ("秦", 3), ("江", 3), ("顾", 3), ("常", 4), ("武", 4), ("乔", 3), ("贺", 3), ("康", 3),
    ("安", 3), ("牛", 3), ("葛", 3), ("包", 4), ("鲍", 3), ("佟", 4), ("那", 2), ("富", 2),
    ("鞠", 3), ("栾", 2), ("齐", 3), ("车", 2), ("艾", 2), ("项", 2), ("闫", 4), ("庞", 2),
    ("陆", 2), ("洪", 2), ("殷", 2), ("岳", 2), ("黄", 6), ("罗", 4), ("郑", 5), ("沈", 3),
)

# Given names by sex and by era of birth: (up to 1955, 1956–1975, 1976–1995, from 1996).
GIVEN_NAMES: dict[str, tuple[tuple[str, ...], ...]] = {
    "male": (
        ("德福", "长海", "振江", "玉林", "宝山", "永福", "德胜", "福山", "景春", "殿武", "凤山",
         "喜才", "万财", "树林", "国臣", "庆云", "长发", "玉堂", "宝林", "文举", "希贵", "金山",
         "占魁", "广才", "有福", "洪发", "荣"),
        ("国庆", "建国", "卫东", "立新", "志刚", "建军", "振华", "海军", "洪波", "春生", "文革",
         "跃进", "红军", "铁军", "连生", "忠", "军", "伟", "强", "勇", "明", "春雨", "永生",
         "庆海", "国华", "长春", "树峰", "宝华"),
        ("海涛", "伟", "磊", "鹏", "超", "涛", "刚", "亮", "东旭", "建华", "晓东", "志强", "春雷",
         "宏伟", "鑫", "博", "冬冬", "大鹏", "立军", "海峰", "继伟", "海龙", "明辉", "长江", "斌"),
        ("浩然", "宇轩", "子豪", "俊杰", "梓轩", "一鸣", "博文", "天佑", "皓轩", "子墨", "宇航",
         "浩宇", "铭泽", "嘉豪", "明轩", "睿", "航", "宇", "泽宇", "奕辰", "家乐", "思远"),
    ),
    "female": (
        ("淑芬", "秀兰", "桂英", "玉珍", "凤兰", "淑珍", "桂兰", "秀珍", "玉兰", "淑兰", "凤芝",
         "素珍", "桂芝", "秀英", "玉芝", "凤英", "淑贤", "桂珍", "翠兰", "金凤", "玉霞", "春兰"),
        ("丽", "艳", "红梅", "海燕", "春梅", "丽华", "凤霞", "红", "秀梅", "玉梅", "艳华", "淑华",
         "桂香", "秀华", "立华", "亚琴", "凤云", "艳玲", "春艳", "红霞", "玉杰", "晓红"),
        ("丽娜", "晓丽", "娜", "静", "敏", "丹", "莹", "雪", "婷", "丽丽", "艳秋", "晓燕", "冬梅",
         "佳", "宏艳", "微", "楠", "琳", "颖", "晶", "新新", "美玲"),
        ("欣怡", "梓涵", "子涵", "雨桐", "梓萱", "诗涵", "可馨", "佳怡", "一诺", "思琪", "语嫣",
         "若汐", "欣妍", "雨欣", "紫涵", "梦瑶", "佳琪", "悦", "萱", "心怡", "晨曦", "安琪"),
    ),
}

_SURNAME_NAMES = tuple(s for s, _ in SURNAMES)
_SURNAME_CUMULATIVE = tuple(accumulate(w for _, w in SURNAMES))


def _era(birth_year: int) -> int:
    if birth_year <= 1955:
        return 0
    if birth_year <= 1975:
        return 1
    if birth_year <= 1995:
        return 2
    return 3


class NameMaker:
    """Draws surnames and given names from one seeded ``random.Random``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def surname(self) -> str:
        pick = self.rng.random() * _SURNAME_CUMULATIVE[-1]
        return _SURNAME_NAMES[bisect(_SURNAME_CUMULATIVE, pick)]

    def given(self, sex: str, birth_year: int) -> str:
        return self.rng.choice(GIVEN_NAMES[sex][_era(birth_year)])

    def full_name(self, sex: str, birth_year: int, surname: str | None = None) -> str:
        return (surname or self.surname()) + self.given(sex, birth_year)

