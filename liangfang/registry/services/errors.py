"""The expected errors now live in ``liangfang.domain.problems``; re-exported here for callers not
yet moved."""

from ...domain.problems import (
    RESIDENT_ID_TAKEN,
    Conflict,
    ConflictError,
    NotFound,
    Problem,
    RegistryError,
    ValidationFailed,
)

__all__ = ["RESIDENT_ID_TAKEN", "Conflict", "ConflictError", "NotFound", "Problem", "RegistryError",
           "ValidationFailed"]
