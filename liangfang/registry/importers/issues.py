"""What the importer tells a user about a file: where (sheet, Excel row, column), which field,
the value found, and what is wrong — errors stop the import, warnings do not."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    sheet: str
    row: int | None  # Excel row number (header = 1); None for a sheet-level message
    column: str  # column letter, "" when the column is absent from the file
    header: str  # the field's Chinese header
    value: object
    message: str
    severity: str = "error"  # "error" | "warning"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def where(self) -> str:
        """「成员」第 12 行 E 列（姓名） — for messages and logs."""
        place = f"「{self.sheet}」"
        if self.row is not None:
            place += f"第 {self.row} 行"
        if self.column:
            place += f" {self.column} 列"
        if self.header:
            place += f"（{self.header}）"
        return place


def display_value(value: object) -> str:
    """A cell value as a person would type it (1.0 → 1, None → empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return str(value)
