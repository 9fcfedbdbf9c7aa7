"""Import messages that said the wrong thing (issue 13, low): an .ods named .xlsx reported
``_rels/.rels``, a UTF-16 CSV was "binary data", a title row above the headers got no hint; each
is now read by its content or told what to do."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest

from liangfang.registry.importers import ImportFileError, import_file
from liangfang.registry.importers.readers import read_file
from tests.factories import make_regions
from tests.registry.importers.builders import MEMBER_HEADERS, household_rows, save_xlsx

pytestmark = pytest.mark.django_db

_CONTENT = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
            '<office:spreadsheet><table:table table:name="成员">{rows}</table:table></office:spreadsheet>'
            '</office:body></office:document-content>')


def _ods(path: Path, rows: list[list[str]]) -> Path:
    body = "".join("<table:table-row>" + "".join(
        f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>' for c in row)
        + "</table:table-row>" for row in rows)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", _CONTENT.format(rows=body))
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                   '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                   '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
    return path


def test_an_ods_named_xlsx_is_read_by_its_content(tmp_path: Path) -> None:
    data = read_file(_ods(tmp_path / "renamed.xlsx", [["户编号", "姓名"], ["H1", "张三"]]))
    assert data.sheets["成员"].rows == [["户编号", "姓名"], ["H1", "张三"]]


def _csv_text(rows: list[dict[str, object]]) -> str:
    out = [",".join(MEMBER_HEADERS)]
    for r in rows:
        out.append(",".join("" if r.get(h) is None else str(r.get(h)) for h in MEMBER_HEADERS))
    return "\r\n".join(out) + "\r\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_utf16_csv_imports(tmp_path: Path, encoding: str) -> None:
    make_regions()
    path = tmp_path / "unicode.csv"
    path.write_bytes(_csv_text(household_rows("H1")).encode(encoding))
    result = import_file(path, by="t")
    assert result.errors == [] and result.written


def test_a_title_row_above_the_headers_is_named(tmp_path: Path) -> None:
    rows = household_rows("H1")
    path = tmp_path / "titled.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["新建村建档立卡户花名册（2020 年）"])
        w.writerow(MEMBER_HEADERS)
        w.writerows([["" if r.get(h) is None else r.get(h) for h in MEMBER_HEADERS] for r in rows])
    with pytest.raises(ImportFileError) as caught:
        import_file(path, by="t")
    message = str(caught.value)
    assert "表头在第 2 行" in message and "删除上方的 1 行" in message
    assert "headers of sheet 成员 are in row 2" in message


def test_an_xlsx_still_reads_by_its_name(tmp_path: Path) -> None:
    make_regions()
    assert import_file(save_xlsx(tmp_path / "in.xlsx", household_rows("H1")), by="t").errors == []


_AN_XLS = Path(__file__).parents[3] / ".venv/lib/python3.11/site-packages/statsmodels/tsa/statespace/tests/results/" \
    "frbny_nowcast/Nowcasting/test_spec_blocks.xls"  # no .xls writer is installed; statsmodels ships one


@pytest.mark.skipif(not _AN_XLS.is_file(), reason="needs an .xls file (statsmodels' test data)")
def test_an_xls_named_xlsx_is_read_by_its_content(tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(_AN_XLS.read_bytes())
    data = read_file(renamed)
    assert data.kind == "xls" and data.sheets and all(s.rows for s in data.sheets.values())


def test_a_word_doc_named_xls_says_so(tmp_path: Path) -> None:
    path = tmp_path / "report.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    with pytest.raises(ImportFileError, match="old Office file but not a readable Excel workbook"):
        read_file(path)
