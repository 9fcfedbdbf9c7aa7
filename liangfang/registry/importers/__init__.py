"""Excel and CSV exchange for the registry: the blank template, import (all or nothing, with an
error workbook), and export in the same layout so that an export can be imported again."""

from .exporter import ExportResult, export_workbook
from .importer import ImportProgress, ImportResult, import_file
from .issues import Issue
from .readers import ImportFileError
from .template import write_template

__all__ = [
    "ExportResult",
    "ImportFileError",
    "ImportProgress",
    "ImportResult",
    "Issue",
    "export_workbook",
    "import_file",
    "write_template",
]
