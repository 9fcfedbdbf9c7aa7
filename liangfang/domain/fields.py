"""The registry's user-facing fields, declared once: name, Chinese and English header, kind,
code list, bounds. The Excel template, the importer, the exporter and the forms read this table,
and ``clean_value`` is the single place where a raw cell or form value becomes a typed value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..ids import ResidentIdError, parse_resident_id
from .codes import code_list
from .text import Text


@dataclass(frozen=True)
class Field:
    name: str
    zh: str
    en: str
    kind: str  # text | code | bool | int | decimal | date | resident_id | phone
    required: bool = False
    codes: str | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    max_length: int | None = None
    sensitive: bool = False
    # a fact that has happened: a date no later than today, a year no later than this year
    past: bool = False
    # a record of the programme's work (an identification, an exit, an income year, a survey): a
    # date or year within the years the policy packs cover, with a margin (``policy.era``)
    era: bool = False
    pattern: re.Pattern[str] | None = None  # what a text must look like (the household number)

    @property
    def header(self) -> str:
        return self.zh


class FieldValueError(ValueError):
    """A value that does not fit its field; the message says what to do, in zh and en."""

    def __init__(self, field: Field, value: object, message: str) -> None:
        super().__init__(message)
        self.message = message  # a Text: both languages, each face renders one
        self.field = field
        self.value = value


def _d(x: str) -> Decimal:
    return Decimal(x)


# A household number is part of every URL of the household and of file names: letters, digits,
# - and _, starting with a letter or digit (the synthetic district's are the village code and a
# four-digit serial, 2208022010010001). "A/B" or "<script>" are refused at the door.
HOUSEHOLD_NUMBER = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,19}")


HOUSEHOLD_FIELDS: tuple[Field, ...] = (
    Field("number", "户编号", "household number", "text", required=True, max_length=20,
          pattern=HOUSEHOLD_NUMBER),
    Field("village_code", "行政村代码", "village code", "text", required=True, max_length=12),
    Field("group_name", "村民小组", "group", "text", max_length=40),
    Field("is_registered", "是否建档立卡户", "registered", "bool", required=True),
    Field("status", "贫困户状态", "status", "code", required=True, codes="household_status"),
    Field("monitoring", "监测对象类型", "monitoring", "code", codes="monitoring"),
    Field("poverty_attribute", "贫困户属性", "poverty attribute", "code", codes="poverty_attribute"),
    Field("identification_standard", "识别标准", "identification standard", "code",
          codes="identification_standard"),
    Field("main_cause", "主要致贫原因", "main cause", "code", codes="poverty_cause"),
    Field("other_cause_1", "其他致贫原因一", "other cause 1", "code", codes="poverty_cause"),
    Field("other_cause_2", "其他致贫原因二", "other cause 2", "code", codes="poverty_cause"),
    Field("first_identified_on", "首次识别时间", "first identified on", "date", past=True, era=True),
    Field("exit_year", "脱贫年度", "exit year", "int", minimum=_d("2013"), maximum=_d("2100"), past=True,
          era=True),
    Field("phone", "联系电话", "phone", "phone", max_length=20, sensitive=True),
    Field("bank_name", "开户银行", "bank", "text", max_length=40, sensitive=True),
    Field("bank_account", "银行账号", "bank account", "text", max_length=32, sensitive=True),
    Field("housing_area", "住房面积（㎡）", "housing area (m²)", "decimal",
          minimum=_d("0"), maximum=_d("10000")),
    Field("housing_grade", "住房安全等级", "housing grade", "code", codes="housing_grade"),
    Field("housing_appraised_on", "住房鉴定日期", "housing appraised on", "date", era=True),
    Field("housing_safety_via", "住房安全保障方式", "housing made safe by", "code",
          codes="housing_safety_via"),
    Field("housing_renovated_year", "危房改造年度", "renovation year", "int",
          minimum=_d("1980"), maximum=_d("2100"), past=True),
    Field("relocation_mode", "易地搬迁方式", "relocation", "code", codes="relocation_mode"),
    Field("relocation_year", "搬迁入住年度", "relocation year", "int",
          minimum=_d("1980"), maximum=_d("2100"), past=True),
    Field("water_litres_per_day", "人均日供水量（升）", "water (L/person/day)", "decimal",
          minimum=_d("0"), maximum=_d("10000")),
    Field("water_quality", "饮水水质", "water quality", "code", codes="water_quality"),
    Field("water_piped", "自来水入户", "piped water", "bool"),
    Field("water_fetch_minutes", "往返取水时间（分钟）", "water fetch minutes", "int",
          minimum=_d("0"), maximum=_d("1440")),
    Field("water_days_without", "年断水天数", "days without water", "int",
          minimum=_d("0"), maximum=_d("366")),
    Field("water_surveyed_on", "饮水核查日期", "water surveyed on", "date", era=True),
    Field("power_living", "通生活用电", "household power", "bool"),
    Field("power_production", "通生产用电", "production power", "bool"),
    Field("road_type", "入户路类型", "road to the door", "code", codes="road_type"),
    Field("distance_to_main_road_km", "与村主干路距离（公里）", "distance to main road (km)",
          "decimal", minimum=_d("0"), maximum=_d("1000")),
    Field("sanitary_toilet", "有卫生厕所", "sanitary toilet", "bool"),
    Field("in_cooperative", "加入农民专业合作社", "in a cooperative", "bool"),
    Field("cultivated_area", "耕地面积（亩）", "cultivated land (mu)", "decimal",
          minimum=_d("0"), maximum=_d("100000")),
    Field("irrigated_area", "有效灌溉面积（亩）", "irrigated land (mu)", "decimal",
          minimum=_d("0"), maximum=_d("100000")),
    Field("forest_area", "林地面积（亩）", "forest land (mu)", "decimal",
          minimum=_d("0"), maximum=_d("100000")),
    Field("grassland_area", "牧草地面积（亩）", "grassland (mu)", "decimal",
          minimum=_d("0"), maximum=_d("100000")),
)

MEMBER_FIELDS: tuple[Field, ...] = (
    Field("resident_id", "身份证号码", "resident ID", "resident_id", required=True,
          sensitive=True),
    Field("name", "姓名", "name", "text", required=True, max_length=40),
    Field("sex", "性别", "sex", "code", required=True, codes="sex"),
    Field("birth_date", "出生日期", "birth date", "date", required=True, past=True),
    Field("relation", "与户主关系", "relation to head", "code", required=True, codes="relation"),
    Field("ethnicity", "民族", "ethnicity", "code", codes="ethnicity"),
    Field("education", "文化程度", "education", "code", codes="education"),
    Field("school_status", "在校生状况", "school status", "code", codes="school_status"),
    Field("school_exemption", "免于入学情形", "school exemption", "code",
          codes="school_exemption"),
    Field("compulsory_completed", "已完成义务教育（初中毕业）", "finished junior secondary school", "bool"),
    Field("school_status_on", "在校生状况核实日期", "school status checked on", "date", era=True),
    Field("health_status", "健康状况", "health", "code", codes="health_status", sensitive=True),
    Field("disability_grade", "残疾等级", "disability grade", "code", codes="disability_grade",
          sensitive=True),
    Field("labor_ability", "劳动技能", "labour ability", "code", codes="labor_ability"),
    Field("work_status", "务工状况", "work status", "code", codes="work_status"),
    Field("months_worked", "务工时间（月）", "months worked", "int",
          minimum=_d("0"), maximum=_d("12")),
    Field("medical_insurance", "参加基本医疗保险", "basic medical insurance", "bool"),
    Field("medical_scheme", "基本医疗保障类型", "basic medical cover", "code", codes="medical_scheme"),
    Field("insured_since", "参保起始日期", "insured since", "date"),
    Field("serious_illness_insurance", "参加大病保险", "serious-illness insurance", "bool"),
    Field("pension_insurance", "参加基本养老保险", "pension insurance", "bool"),
    Field("family_doctor", "家庭医生签约", "family doctor contract", "bool"),
    Field("phone", "成员联系电话", "member phone", "phone", max_length=20, sensitive=True),
    Field("joined_on", "增员日期", "joined on", "date"),
)


# Sane ranges of money, declared here once for every table that holds money: a household's
# yearly income item, a measure's cost or gain and a delivery's amount stay within 100 million
# yuan (亿); an area's budget, a project's funds and spending and a village's collective income
# within 10 billion (百亿). Forms, imports and services check them through ``clean_value``; the
# database's CHECK constraints are made from the same table (``registry/bounds.py``).
HOUSEHOLD_MONEY_MAX = _d("100000000")
AREA_MONEY_MAX = _d("10000000000")


def _money(name: str, zh: str, en: str, maximum: Decimal = HOUSEHOLD_MONEY_MAX) -> Field:
    return Field(name, zh, en, "decimal", minimum=_d("0"), maximum=maximum)


INCOME_FIELDS: tuple[Field, ...] = (
    Field("year", "收入年度", "income year", "int", minimum=_d("2000"), maximum=_d("2100"), past=True,
          era=True),
    _money("wage_income", "工资性收入", "wage income"),
    _money("business_income", "生产经营性收入", "business income"),
    _money("property_income", "财产性收入", "property income"),
    _money("transfer_family_planning", "计划生育金", "family-planning transfer"),
    _money("transfer_minimum_living", "低保金", "minimum-living allowance"),
    _money("transfer_destitute_support", "特困供养金", "destitute support"),
    _money("transfer_pension", "养老保险金", "pension"),
    _money("transfer_eco_compensation", "生态补偿金", "ecological compensation"),
    _money("transfer_other", "其他转移性收入", "other transfers"),
    _money("business_expense", "生产经营性支出", "business expense"),
)

# Money of the plans app (measures, deliveries, projects, area plans) and of village facilities.
PLAN_MONEY_FIELDS: tuple[Field, ...] = (
    _money("cost", "费用（元）", "cost (yuan)"),
    _money("expected_gain", "预计年增收（元）", "expected yearly gain (yuan)"),
    _money("amount", "金额（元）", "amount (yuan)"),
    _money("income_gain", "计入年收入（元）", "yearly income gain counted (yuan)"),
    _money("budget", "预算（元）", "budget (yuan)", AREA_MONEY_MAX),
    _money("fund_amount", "安排金额（元）", "amount allotted (yuan)", AREA_MONEY_MAX),
    _money("spending", "支出金额（元）", "amount spent (yuan)", AREA_MONEY_MAX),
    _money("collective_income", "村集体经济收入（元）", "village collective income (yuan)", AREA_MONEY_MAX),
)

_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×"}


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def clean_value(field: Field, value: object) -> Any:
    """Turn a raw cell or form value into the field's type; raise FieldValueError if it cannot."""
    if _is_blank(value):
        if field.required:
            raise FieldValueError(field, value, Text(f"「{field.zh}」不能为空", f"{field.en} is required"))
        return None
    kind = field.kind
    if kind in ("text", "phone"):
        text = _text(value)
        if field.max_length and len(text) > field.max_length:
            raise FieldValueError(
                field, value, Text(f"「{field.zh}」最多 {field.max_length} 个字符",
                                   f"{field.en} is longer than {field.max_length} characters")
            )
        if field.pattern is not None and not field.pattern.fullmatch(text):
            raise FieldValueError(
                field, value, Text(f"「{field.zh}」只能由字母、数字、- 和 _ 组成，以字母或数字开头，"
                                   "例如 2208022010010001",
                                   f"{field.en} may hold letters, digits, - and _ only, starting with a letter or "
                                   "digit, e.g. 2208022010010001"))
        if kind == "phone" and not all(c.isdigit() or c in "-+ " for c in text):
            raise FieldValueError(
                field, value, Text(f"「{field.zh}」只能含数字和 -", f"{field.en} may hold digits only")
            )
        return text
    if kind == "code":
        assert field.codes is not None
        code = code_list(field.codes).lookup(_text(value))
        if code is None:
            allowed = "、".join(label for _, label in code_list(field.codes).choices("zh"))
            raise FieldValueError(
                field, value, Text(f"「{field.zh}」不在代码表内，可选：{allowed}",
                                   f"{field.en} is not in its code list")
            )
        return code
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = _text(value).casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise FieldValueError(field, value, Text(f"「{field.zh}」应填 是 或 否", f"{field.en}: use yes or no"))
    if kind in ("int", "decimal"):
        return _number(field, value)
    if kind == "date":
        return _date(field, value)
    if kind == "resident_id":
        try:
            return parse_resident_id(_text(value)).number
        except ResidentIdError as exc:
            raise FieldValueError(field, value, exc.message) from None
    raise AssertionError(f"unknown field kind {kind}")


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel readers deliver whole numbers as floats
    return str(value).strip()


def _number(field: Field, value: object) -> int | Decimal:
    try:
        number = Decimal(_text(value).replace(",", ""))
    except InvalidOperation:
        raise FieldValueError(
            field, value, Text(f"「{field.zh}」应为数字", f"{field.en} must be a number")
        ) from None
    if not number.is_finite():
        raise FieldValueError(field, value, Text(f"「{field.zh}」应为数字", f"{field.en} must be a number"))
    if field.kind == "int" and number != number.to_integral_value():
        raise FieldValueError(field, value, Text(f"「{field.zh}」应为整数", f"{field.en} must be whole"))
    if field.minimum is not None and number < field.minimum:
        raise FieldValueError(
            field, value, Text(f"「{field.zh}」不能小于 {field.minimum}",
                               f"{field.en} must be at least {field.minimum}")
        )
    if field.maximum is not None and number > field.maximum:
        raise FieldValueError(
            field, value, Text(f"「{field.zh}」不能大于 {field.maximum}", f"{field.en} must be at most {field.maximum}")
        )
    if field.kind == "int":
        if field.past and number > dt.date.today().year:
            raise FieldValueError(field, value, _future(field, f"{dt.date.today().year} 年", f"{dt.date.today().year}"))
        if field.era:
            _within_era(field, value, int(number))
        return int(number)
    return number.quantize(Decimal("0.01"))


def _future(field: Field, zh: str, en: str) -> Text:
    return Text(f"「{field.zh}」不能晚于{zh}（尚未发生）；请核对后重填",
                f"{field.en} cannot be later than {en}: it has not happened yet; check the value")


def _within_era(field: Field, value: object, year: int) -> None:
    """Refuse a programme record's year outside the years the policy packs cover (with margins)."""
    from ..policy.era import pack_years, programme_years

    first, last = programme_years()
    if not first <= year <= last:
        packs_first, packs_last = pack_years()
        raise FieldValueError(field, value, Text(
            f"「{field.zh}」的年份 {year} 不在 {first}–{last} 年之内（政策包覆盖 {packs_first}–{packs_last} 年，"
            "前后留有余量）；多为年份录错，请核对后重填",
            f"{field.en}: the year {year} is outside {first}–{last} (the policy packs cover "
            f"{packs_first}–{packs_last}, with a margin); it is most likely mistyped: check the value"))


def _date(field: Field, value: object) -> dt.date:
    day = _parse_date(value)
    if day is not None:
        today = dt.date.today()
        if field.past and day > today:
            raise FieldValueError(field, value, _future(field, f"今天（{today.isoformat()}）", f"today ({today})"))
        if field.era:
            _within_era(field, value, day.year)
        return day
    raise FieldValueError(
        field, value, Text(f"「{field.zh}」应为日期，如 2016-03-01", f"{field.en} must be a date " "such as 2016-03-01")
    )


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def fields_by_name(fields: tuple[Field, ...]) -> dict[str, Field]:
    return {f.name: f for f in fields}
