"""Python values to Arrow arrays, built from their buffers.

``pa.array``, the usual way, asks of every input whether it is a pandas object, and so
imports pandas on its first call: 0.3–0.4 s, most of a small run's start-up, spent by a
command that never uses pandas. The tables hold six types; each column is laid out here as
Arrow's columnar format defines it (a validity bitmap, then the values, or offsets and
UTF-8 bytes), packed with numpy, which pyarrow loads anyway.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import accumulate
from typing import Any

import numpy as np
import pyarrow as pa

_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_MS = dt.timedelta(milliseconds=1)
# A string array's offsets are 32-bit: a column holding more bytes comes in chunks.
_MAX_BYTES = 2**31 - 1


def _ms(value: dt.datetime) -> int:
    # A time without a zone is taken as UTC, as pa.array takes it.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
    return (aware - _EPOCH) // _MS


_FIXED: dict[str, tuple[type, Callable[[Any], Any]]] = {
    "int64": (np.int64, int),
    "double": (np.float64, float),
    "date32[day]": (np.int32, lambda d: d.toordinal() - _EPOCH_DAY),
    "timestamp[ms, tz=UTC]": (np.int64, _ms),
}


def column(values: list[Any], type: pa.DataType) -> pa.Array | pa.ChunkedArray:
    """`values` (None for null) as an array of `type`: string, int64, float64, bool,
    date32 or timestamp[ms, UTC]."""
    valid = [v is not None for v in values]
    nulls = len(values) - sum(valid)
    bitmap = _bits(valid) if nulls else None
    name = str(type)
    if name == "string":
        return _strings(values, bitmap, nulls)
    if name == "bool":
        data = _bits([bool(v) for v in values])
    elif name in _FIXED:
        dtype, convert = _FIXED[name]
        data = pa.py_buffer(np.array([convert(v) if ok else 0 for v, ok in zip(values, valid)], dtype=dtype))
    else:
        raise TypeError(f"no column of type {type}")
    return pa.Array.from_buffers(type, len(values), [bitmap, data], null_count=nulls)


def _bits(flags: list[bool]) -> pa.Buffer:
    return pa.py_buffer(np.packbits(np.array(flags, dtype=bool), bitorder="little"))


def _strings(values: list[str | None], bitmap: pa.Buffer | None, nulls: int) -> pa.Array | pa.ChunkedArray:
    encoded = [b"" if v is None else _utf8(v) for v in values]
    offsets = np.fromiter(accumulate(map(len, encoded), initial=0), dtype=np.int64, count=len(encoded) + 1)
    if offsets[-1] > _MAX_BYTES:
        half = len(values) // 2
        parts = [column(values[:half], pa.string()), column(values[half:], pa.string())]
        return pa.chunked_array([c for p in parts for c in (p.chunks if isinstance(p, pa.ChunkedArray) else [p])])
    return pa.Array.from_buffers(pa.string(), len(values), [bitmap, pa.py_buffer(offsets.astype(np.int32)),
                                                             pa.py_buffer(b"".join(encoded))], null_count=nulls)


def _utf8(value: Any) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__} {value!r}")
    return value.encode("utf-8")


def values(array: pa.Array | pa.ChunkedArray) -> list[Any]:
    """An array's values as Python objects, as ``to_pylist`` gives them. Time stamps are
    converted from their integers here: pyarrow's own conversion of a zoned time stamp
    imports pandas for the zone."""
    if str(array.type) == "timestamp[ms, tz=UTC]":
        # A view, not a cast: casting loads pyarrow.compute (40 ms) for nothing else.
        chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
        return [None if ms is None else _EPOCH + ms * _MS for c in chunks for ms in c.view(pa.int64()).to_pylist()]
    return array.to_pylist()
