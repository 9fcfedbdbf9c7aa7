"""Building Arrow arrays of the analytic layout straight from numpy buffers, without a Python
object per value: fixed-width digit strings, codes from small vocabularies, scaled decimals
and dates. Used by the national-scale generator, where there are hundreds of millions of values.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa


def fixed_strings(data: np.ndarray, width: int) -> pa.StringArray:
    """Strings of ``width`` ASCII bytes each, from a contiguous uint8 buffer (n × width)."""
    n = len(data) // width if data.ndim == 1 else data.shape[0]
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64 if n * width >= 2**31 else np.int32)
    kind = pa.large_string() if offsets.dtype == np.int64 else pa.string()
    array = pa.Array.from_buffers(kind, n, [None, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data))])
    return array.cast(pa.string()) if kind == pa.large_string() else array


def digit_strings(numbers: np.ndarray, width: int) -> pa.StringArray:
    """Non-negative integers written with exactly ``width`` digits (zero-padded)."""
    out = np.empty((len(numbers), width), dtype=np.uint8)
    rest = np.asarray(numbers, dtype=np.int64).copy()
    for i in range(width - 1, -1, -1):
        out[:, i] = rest % 10 + ord("0")
        rest //= 10
    return fixed_strings(out, width)


def codes(indices: np.ndarray, vocabulary: Sequence[str]) -> pa.Array:
    """``vocabulary[indices[i]]`` as a plain string array."""
    dictionary = pa.array(list(vocabulary), type=pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(indices, dtype=np.int32)), dictionary).cast(pa.string())


def scaled_decimals(units: np.ndarray, type_: pa.Decimal128Type, valid: np.ndarray | None = None) -> pa.Array:
    """Decimals from integers counted in the type's smallest unit (cents for scale 2)."""
    low = np.asarray(units, dtype=np.int64)
    words = np.empty((len(low), 2), dtype=np.int64)
    words[:, 0] = low
    words[:, 1] = low >> 63  # sign extension into the high word (little-endian two's complement)
    mask = None if valid is None else pa.array(valid, type=pa.bool_()).buffers()[1]
    nulls = 0 if valid is None else int(len(low) - valid.sum())
    return pa.Array.from_buffers(type_, len(low), [mask, pa.py_buffer(words)], null_count=nulls)


def dates(days_since_epoch: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    days = pa.array(np.asarray(days_since_epoch, dtype=np.int32), mask=None if valid is None else ~valid)
    return days.cast(pa.date32())


_NUMPY = {pa.int16(): np.int16, pa.int32(): np.int32, pa.int64(): np.int64}


def ints(values: np.ndarray, type_: pa.DataType, valid: np.ndarray | None = None) -> pa.Array:
    typed = np.asarray(values).astype(_NUMPY[type_], copy=False)
    return pa.array(typed, mask=None if valid is None else ~valid)
