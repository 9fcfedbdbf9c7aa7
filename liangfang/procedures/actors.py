"""Who acts on a case: a login's name, role and region (the web's viewer, or the CLI's user)."""

from __future__ import annotations

from dataclasses import dataclass

from ..registry.models import Region
from ..registry.selectors import significant_prefix

_DEPTH = {"province": 0, "city": 1, "county": 2, "township": 3, "village": 4, "group": 5}


@dataclass(frozen=True)
class Actor:
    username: str
    role: str  # a code of accounts.roles
    region: Region

    def covers(self, region: Region) -> bool:
        """True when ``region`` lies inside (or is) the actor's region."""
        return (region.code.startswith(significant_prefix(self.region))
                and _DEPTH[region.level] >= _DEPTH[self.region.level])
