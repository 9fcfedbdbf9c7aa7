"""The printable notice (公示) and announcement (公告): the list of households with the head's name,
village group, household size and the decision; the period; where to object. Nothing else about a
household is read here: no resident ID, phone, bank account or health fact can reach the page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q

from ..domain.text import Text
from ..registry.models import Household, Member, Region
from .definitions import procedure
from .effects import effect
from .models import Case, CaseSubject, Notice
from .packs import pack_named
from .pdf import render_html, render_pdf
from .workdays import calendar_for


@dataclass
class NoticeRow:
    head: str
    group: str
    size: int | str
    decision: str


@dataclass
class NoticeGroup:
    place: str
    rows: list[NoticeRow] = field(default_factory=list)


@dataclass
class NoticeSheet:
    title: str
    intro: str
    headers: list[str]
    groups: list[NoticeGroup]
    total: str
    period: str
    objection: str
    issuer: str
    date: str
    footer: str


def _day(d: object) -> str:
    return f"{d:%Y年%m月%d日}"


def notice_provisional(notice: Notice, cases: Sequence[Case] | None = None) -> Text | None:
    """Why the notice's last day is provisional (counted through a year whose holidays are not
    published or not confirmed, by the calendar of its cases' packs), or None."""
    if notice.ends_on is None:
        return None
    packs = sorted({(c.kind, c.pack) for c in (cases if cases is not None else notice.cases.all())})
    notes = [n for kind, p in packs if (n := calendar_for(pack_named(kind, p)).provisional_between(
        notice.posted_on, notice.ends_on))]
    return notes[0] if notes else None


def notice_sheet(notice: Notice) -> NoticeSheet:
    cases = list(notice.cases.select_related("region__parent").order_by("region__code", "pk"))
    subjects = CaseSubject.objects.filter(case__in=cases)
    if notice.type == "notice":  # the list as it was posted (a household taken off later stays on it)
        subjects = subjects.filter(Q(removed_on__isnull=True) | Q(removed_on__gte=notice.posted_on))
    else:
        subjects = subjects.filter(removed_on__isnull=True)
    wording = {}
    for case in cases:
        proc = procedure(case.kind, case.pack)
        eff = effect(proc.effect)
        wording[case.pk] = (eff.proposed_zh or f"拟{proc.name.zh}") if notice.type == "notice" else (
            eff.decided_zh or proc.name.zh)
    rows = list(subjects.values_list("case_id", "household_id", "village_id"))
    household_ids = [h for _, h, _ in rows if h]
    households = {h.pk: h for h in Household.objects.filter(pk__in=household_ids).select_related("village__parent")
                  .annotate(size=Count("members", filter=Q(members__is_active=True)))}
    heads = dict(Member.objects.filter(household_id__in=household_ids, relation="head", is_active=True)
                 .values_list("household_id", "name"))
    villages = {v.pk: v for v in Region.objects.filter(pk__in=[v for _, _, v in rows if v]).select_related("parent")}
    groups: dict[str, NoticeGroup] = defaultdict(lambda: NoticeGroup(""))
    people = 0
    for case_id, household_id, village_id in rows:
        if household_id:
            h = households[household_id]
            place = f"{h.village.parent.name if h.village.parent else ''}{h.village.name}"
            groups[place].place = place
            groups[place].rows.append(NoticeRow(heads.get(household_id, ""), h.group_name, h.size, wording[case_id]))
            people += h.size
        else:
            v = villages[village_id]
            place = v.parent.name if v.parent else ""
            groups[place].place = place
            groups[place].rows.append(NoticeRow(v.name, place, "—", wording[case_id]))
    count = sum(len(g.rows) for g in groups.values())
    by_household = any(h for _, h, _ in rows)
    headers = (["户主姓名", "村民小组（屯）", "家庭人口", "决定事项"] if by_household
               else ["行政村", "所属乡镇", "—", "决定事项"])
    total = f"共 {count} 户 {people} 人。" if by_household else f"共 {count} 个村。"
    place = notice.region.name
    if notice.type == "notice":
        assert notice.ends_on is not None
        period = f"{_day(notice.posted_on)}至{_day(notice.ends_on)}（遇异议复核时暂停计算，复核后顺延）"
        note = notice_provisional(notice, cases)
        if note:  # the end was counted through a year whose holidays are not published (or confirmed)
            period += f"。截止日期{note.zh}"
        phone = notice.contact or "（未登记）"
        objection = (f"公示期间，对名单有异议的，可以书面或口头向村委会、乡镇人民政府反映，"
                     f"乡镇受理电话：{phone}。异议须说明理由，经复核后答复。")
        intro = (f"根据政策规定，经民主评议、核实，现将以下名单在{place}范围内予以公示，"
                 f"接受群众监督。")
        issuer = f"{place}（张贴单位）"
    else:
        period, objection = "", f"咨询电话：{notice.contact}" if notice.contact else ""
        intro = "经乡镇审核、县级审定，以下名单已按程序完成，现予公告。"
        issuer = f"{place}扶贫开发领导小组"
    return NoticeSheet(notice.title, intro, headers, sorted(groups.values(), key=lambda g: g.place), total, period,
                       objection, issuer, _day(notice.posted_on),
                       "本公示（公告）不含身份证号码、联系电话、银行账号和健康信息。")


def notice_html(notice: Notice) -> str:
    return render_html("notice.html", n=notice_sheet(notice))


def notice_pdf(notice: Notice) -> bytes:
    return render_pdf("notice.html", n=notice_sheet(notice))
