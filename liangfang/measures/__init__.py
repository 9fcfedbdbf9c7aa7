"""Poverty and inequality measures on plain sequences and numpy arrays (no Django).

>>> from liangfang.measures import fgt, gini
>>> fgt([100, 110, 150, 160], 125), round(gini([100, 110, 150, 160]), 4)
(0.5, 0.1058)

Standard errors by Taylor linearisation for a survey design: ``liangfang.measures.variance``.
"""

from .arguments import MeasureError
from .inequality import atkinson, gini, lorenz, theil
from .multidimensional import AlkireFoster, alkire_foster
from .poverty import fgt, sen, watts

__all__ = ["AlkireFoster", "MeasureError", "alkire_foster", "atkinson", "fgt", "gini", "lorenz", "sen", "theil",
           "watts"]
