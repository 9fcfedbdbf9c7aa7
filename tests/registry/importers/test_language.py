"""A file that cannot be imported is said in one language when one is chosen (``LIANGFANG_LANG``),
as every other message of the command line: its problems are Text(zh, en), not "中文 / English"."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from liangfang.domain.text import Text
from liangfang.registry.importers import ImportFileError
from liangfang.registry.importers.readers import read_file

pytestmark = pytest.mark.django_db


def _no_member_sheet(tmp_path: Path) -> Path:
    book = Workbook()
    book.active.title = "other"  # type: ignore[union-attr]
    book.save(tmp_path / "wrong.xlsx")
    return tmp_path / "wrong.xlsx"


def test_a_missing_file_is_a_text(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as refused:
        read_file(tmp_path / "absent.xlsx")
    assert isinstance(refused.value.message, Text)
    assert refused.value.message.render("en").startswith("file not found")


@pytest.mark.parametrize(("language", "said", "not_said"), [("en", "no sheet named", "找不到工作表"),
                                                            ("zh", "找不到工作表", "no sheet named")])
def test_the_command_says_a_file_problem_in_one_language(tmp_path: Path, language: str, said: str,
                                                         not_said: str) -> None:
    from liangfang.cli.app import app

    result = CliRunner().invoke(app, ["import", str(_no_member_sheet(tmp_path))], env={"LIANGFANG_LANG": language})
    output = " ".join(result.output.split())
    assert result.exit_code == 1 and said in output and not_said not in output


@pytest.mark.parametrize(("language", "said", "not_said"), [("en", "must be a date such as 2016-03-01", "应为日期"),
                                                            ("zh", "应为日期", "must be a date")])
def test_a_cells_problem_is_said_in_one_language(tmp_path: Path, language: str, said: str, not_said: str) -> None:
    """A cell that does not fit its field (the field table's Text) reaches the command's table whole."""
    from liangfang.cli.app import app
    from tests.factories import make_regions
    from tests.registry.importers.builders import household_rows, save_xlsx

    make_regions()
    rows = household_rows("H1", size=1)
    rows[0]["出生日期"] = "1960-13-45"
    path = save_xlsx(tmp_path / "in.xlsx", rows)
    result = CliRunner().invoke(app, ["import", str(path)], env={"LIANGFANG_LANG": language, "COLUMNS": "250"})
    output = " ".join(result.output.split())
    assert result.exit_code == 1 and said in output and not_said not in output
