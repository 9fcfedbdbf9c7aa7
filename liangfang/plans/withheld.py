"""Which plan measures a reader is shown nothing of: ``disclosure.withholds_measure`` applied to a
stored measure and to its catalogue entry (a measure given by a rule that reads a health field is a
health fact whatever line it is filed under). The household page, the monitoring history, the
change log and the household card (明白卡) all ask here, so that one rule decides for every output."""

from __future__ import annotations

from functools import lru_cache

from ..disclosure import Reader, is_health_measure, withholds_measure
from ..policy import load_pack
from .catalogue import catalogue_for


@lru_cache(maxsize=16)
def health_measure_codes(pack: str) -> frozenset[str]:
    """The catalogue's measures that are health facts whole (``disclosure.is_health_measure``)."""
    measures = catalogue_for(load_pack(pack)).catalogue.measures
    return frozenset(code for code, spec in measures.items()
                     if is_health_measure(spec.category, spec.fund_source, eligible=spec.eligible))


def measure_withheld(reader: Reader, pack: str, code: str, category: str, fund_source: str = "") -> bool:
    """Whether ``reader`` is shown nothing of this measure (``disclosure.withholds_measure``)."""
    if withholds_measure(reader, category, fund_source):
        return True
    return not reader.health and code in health_measure_codes(pack)


__all__ = ["health_measure_codes", "measure_withheld"]
