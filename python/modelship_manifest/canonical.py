"""Canonical JSON exactly as the TypeScript ``canonicalJson``: keys sorted by UTF-16 code units,
no whitespace, strings escaped as ECMAScript's JSON.stringify does, non-ASCII left as is."""
from __future__ import annotations

import json
import math
from typing import Any, List


class _Text(str):
    """Output already in canonical form (punctuation, a key and its colon)."""


def _number(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"canonical_json: {value} is not a JSON number")
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def _scalar(value: Any) -> str:
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
    raise TypeError(f"canonical_json: a {type(value).__name__} cannot be serialised")


def _key_order(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def canonical_json(value: Any) -> str:
    # An explicit stack instead of recursion: unknown fields may nest thousands of levels deep,
    # and the manifest must get the same answer here as in TypeScript.
    out: List[str] = []
    stack: List[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Text):
            out.append(item)
        elif isinstance(item, (list, tuple)):
            stack.append(_Text("]"))
            for index in range(len(item) - 1, -1, -1):
                stack.append(item[index])
                if index:
                    stack.append(_Text(","))
            stack.append(_Text("["))
        elif isinstance(item, dict):
            keys = sorted(item.keys(), key=_key_order)
            stack.append(_Text("}"))
            for index in range(len(keys) - 1, -1, -1):
                stack.append(item[keys[index]])
                stack.append(_Text(json.dumps(keys[index], ensure_ascii=False) + ":"))
                if index:
                    stack.append(_Text(","))
            stack.append(_Text("{"))
        else:
            out.append(_scalar(item))
    return "".join(out)
