"""The verification samples page: a county administrator draws a sample and downloads its lists; an
inspector reads but cannot draw; a village cadre cannot see the county's samples."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from liangfang.assessments.sampling_models import VerificationSample
from tests.factories import COUNTY, VILLAGE

pytestmark = pytest.mark.django_db
DESIGN = "seed: 5\nvillages_per_township: 2\nhouseholds_per_village: {exited: 1, general: 1}\n"


def test_an_administrator_draws_and_downloads(world: Any, login: Any) -> None:
    client = login("admin")
    response = client.post(f"/region/{COUNTY}/samples/", {"year": "2020", "design": DESIGN})
    assert response.status_code == 302
    record = VerificationSample.objects.get()
    assert record.seed == 5 and record.households.count() == 1  # the one exited household (no general ones)
    page = client.get(f"/region/{COUNTY}/samples/").content.decode()
    assert f"sample-{record.pk}" in page
    book = client.get(f"/samples/{record.pk}/field-list/")
    assert book.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(book.streaming_content))).active  # type: ignore[attr-defined]
    numbers = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert numbers == set(record.households.values_list("household__number", flat=True))
    pdf = client.get(f"/samples/{record.pk}/questionnaires/")
    assert len(PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages) == 1  # type: ignore[attr-defined]
    assert client.get(f"/samples/{record.pk}/anything/").status_code == 404


def test_a_bad_design_is_answered_with_the_field(world: Any, login: Any) -> None:
    response = login("admin").post(f"/region/{COUNTY}/samples/", {"year": "2020", "design": "seed: 1\n"})
    assert response.status_code == 400 and "villages_per_township" in response.content.decode()
    assert not VerificationSample.objects.exists()


def test_an_inspector_reads_but_cannot_draw(world: Any, login: Any) -> None:
    client = login("inspector")
    assert client.get(f"/region/{COUNTY}/samples/").status_code == 200
    assert client.post(f"/region/{COUNTY}/samples/", {"year": "2020", "design": DESIGN}).status_code == 404
    assert not VerificationSample.objects.exists()


def test_a_village_cadre_cannot_see_the_county_samples(world: Any, login: Any) -> None:
    login("admin").post(f"/region/{COUNTY}/samples/", {"year": "2020", "design": DESIGN})
    record = VerificationSample.objects.get()
    client = login("cadre")
    assert client.get(f"/region/{COUNTY}/samples/").status_code == 404
    assert client.get(f"/region/{VILLAGE}/samples/").status_code == 404
    assert client.get(f"/samples/{record.pk}/field-list/").status_code == 404


def test_field_results_uploaded_then_estimated(world: Any, login: Any, tmp_path: Any) -> None:
    from liangfang.assessments.field_workbook import COLUMNS, SHEET
    from liangfang.assessments.models import CountyVerification

    client = login("admin")
    client.post(f"/region/{COUNTY}/samples/", {"year": "2020", "design": DESIGN})
    record = VerificationSample.objects.get()
    book = openpyxl.load_workbook(io.BytesIO(b"".join(
        client.get(f"/samples/{record.pk}/field-list/").streaming_content)))  # type: ignore[attr-defined]
    sheet = book[SHEET]
    at = {c.key: [x.value for x in sheet[1]].index(c.header) + 1 for c in COLUMNS}
    answers = {"found": "是", "people": 3, "income_per_capita": "maybe", "food": "是", "clothing": "是",
               "education": "是", "medical": "是", "housing": "是", "water": "是", "approves_policy": "认可"}
    for key, value in answers.items():
        sheet.cell(2, at[key]).value = value  # type: ignore[assignment]
    bad = io.BytesIO()
    book.save(bad)
    bad.seek(0)
    bad.name = "bad.xlsx"
    response = client.post(f"/samples/{record.pk}/results/", {"workbook": bad})
    assert response.status_code == 400 and "第 2 行" in response.content.decode()
    assert not CountyVerification.objects.exists()
    sheet.cell(2, at["income_per_capita"]).value = 9000  # type: ignore[assignment]
    good = io.BytesIO()
    book.save(good)
    good.seek(0)
    good.name = "good.xlsx"
    assert client.post(f"/samples/{record.pk}/results/", {"workbook": good}).status_code == 302
    figures = CountyVerification.objects.get()
    assert figures.sample_id == record.pk and figures.wrong_exit_rate == 0 and figures.public_approval == 100
    good.seek(0)
    assert login("inspector").post(f"/samples/{record.pk}/results/", {"workbook": good}).status_code in (403, 404)
