"""Bulk staff import from a CSV or XLSX file: read, plan (dry run), apply.

- ``reading``: the file's rows as text, within bounds (rows, unpacked size);
- ``planning``: every row checked with the person rules, create/update/unchanged;
- ``applying``: bulk writes of the valid rows and one audit entry;
- ``uploads``: files kept between the web preview and the apply step.

Columns (header names are case-insensitive, Indonesian or English):
``nip`` and ``nama`` are required; ``email``, ``unit_kode``, ``jabatan``,
``golongan``, ``role``, ``status`` (PNS/PPPK) and ``tempat_lahir`` are
optional. A column that is absent leaves that field of an existing account
as it is; a column that is present but empty sets the default (no value,
role learner, status PNS).
"""

from ..errors import ImportFileError, ImportRefused, StaffImportError
from .applying import ImportResult, apply_import, check_applicable
from .planning import ImportPlan, ImportProblem, ImportRow, plan_import
from .reading import read_rows
from .uploads import apply_upload, find_upload, save_upload

__all__ = [
    "ImportFileError", "ImportPlan", "ImportProblem", "ImportRefused", "ImportResult",
    "ImportRow", "StaffImportError", "apply_import", "apply_upload", "check_applicable",
    "find_upload", "plan_import", "read_rows", "save_upload",
]
