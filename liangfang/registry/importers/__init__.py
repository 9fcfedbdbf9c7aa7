"""Excel and CSV import for the registry: the blank template and import (all or nothing, with an
error workbook). The export in the same layout is ``liangfang.registry.export``."""

from .importer import ImportProgress, ImportResult, import_file
from .issues import Issue
from .readers import ImportFileError
from .template import write_template

__all__ = [
    "ImportFileError",
    "ImportProgress",
    "ImportResult",
    "Issue",
    "import_file",
    "write_template",
]
