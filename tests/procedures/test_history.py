"""The synthetic district's exits come with their procedures: a village's list per year, the
county's announcement per year, households exited with the announcement's date, the chain intact."""

from __future__ import annotations

import pytest
from django.db.models import Count

from liangfang.audit.verify import verify_chain
from liangfang.procedures.history import exit_history, sample_villages
from liangfang.procedures.models import Case, CaseSubject, Notice, Step
from liangfang.registry.models import Household
from liangfang.synth.taobei import build_district

pytestmark = pytest.mark.django_db


def test_the_sample_of_exits_is_recorded_through_the_procedures(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    build_district(seed=2020, scale=0.05)
    villages = sample_villages(1)
    assert len({v.parent_id for v in villages}) == len(villages)  # one per township
    report = exit_history(per_township=1, objection_every=3)
    assert report.cases == Case.objects.filter(state="decided").count() > 0
    assert report.objections == Step.objects.filter(action="objection").count() > 0
    # one announcement per year with exits, covering every case of that year
    for notice in Notice.objects.filter(type="announcement"):
        years = set(notice.cases.values_list("year", flat=True))
        assert len(years) == 1 and notice.cases.count() == Case.objects.filter(year=years.pop()).count()
    decided = Household.objects.filter(case_subjects__case__state="decided")
    assert decided.count() == report.households
    for h in decided.select_related():
        case = CaseSubject.objects.get(household=h).case
        assert (h.status, h.exit_year, h.status_via, h.status_since) == ("exited", case.year, "procedure",
                                                                        case.decided_on)
    # every case is one village's list of one year
    assert not Case.objects.annotate(v=Count("subjects__household__village", distinct=True)).exclude(v=1).exists()
    assert verify_chain().ok
