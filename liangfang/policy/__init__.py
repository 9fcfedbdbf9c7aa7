"""Policy packs: poverty lines, thresholds, notice periods and indicator rules, as data.

>>> from liangfang.policy import load_pack
>>> load_pack("cn-national").poverty_line(2020)
Decimal('4000')
"""

from .loader import PackError, Problem, load_pack, load_pack_file, shipped_pack_names
from .schema import Indicator, LineYear, Pack, Parameter, Reliability, Source, Text
from .years import pack_for_year

__all__ = [
    "Indicator",
    "LineYear",
    "Pack",
    "PackError",
    "Parameter",
    "Problem",
    "Reliability",
    "Source",
    "Text",
    "load_pack",
    "load_pack_file",
    "pack_for_year",
    "shipped_pack_names",
]
