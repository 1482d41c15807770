"""Canonical JSON exactly as the TypeScript ``canonicalJson``: keys sorted by UTF-16 code units,
no whitespace, strings escaped as ECMAScript's JSON.stringify does, non-ASCII left as is."""
from __future__ import annotations

import json
import math
from typing import Any


def _number(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"canonical_json: {value} is not a JSON number")
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def canonical_json(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical_json(item) for item in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value.keys(), key=lambda key: key.encode("utf-16-be", "surrogatepass"))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canonical_json(value[k]) for k in keys) + "}"
    raise TypeError(f"canonical_json: a {type(value).__name__} cannot be serialised")
