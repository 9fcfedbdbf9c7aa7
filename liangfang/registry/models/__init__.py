"""Registry models; one module per concern."""

from .cadres import Cadre, CadrePairing, Department, DepartmentPairing
from .changes import ChainHead, ChangeRecord
from .households import Household, HouseholdStatusHistory
from .incomes import IncomeRecord
from .members import Member, MemberHealthHistory
from .regions import Region, VillageFacilities

__all__ = [
    "Cadre",
    "CadrePairing",
    "ChainHead",
    "ChangeRecord",
    "Department",
    "DepartmentPairing",
    "Household",
    "HouseholdStatusHistory",
    "IncomeRecord",
    "Member",
    "MemberHealthHistory",
    "Region",
    "VillageFacilities",
]
