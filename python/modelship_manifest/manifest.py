"""Reading and validating both manifest formats, mirroring the TypeScript validate.ts."""
from __future__ import annotations

import json
import re
import sys
from typing import Any, Dict, Optional, Tuple

from .errors import ErrorCode, ManifestFormatError

MODELSHIP_SCHEMA_ID = "modelship.manifest/v1"
MODELSHIP_MANIFEST_FILE_NAME = "modelship.manifest.json"
ALGORITHMIA_MANIFEST_FILE_NAME = "model_manifest.json"

_MD5 = re.compile(r"[0-9a-f]{32}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_HEX = re.compile(r"[0-9a-f]+")
_ISO_UTC = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?Z")
_ALGORITHMIA_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MAX_SAFE_INTEGER = 2**53 - 1


def unsafe_path_reason(path: str) -> Optional[str]:
    """Why a manifest path is unsafe, or None for a plain relative POSIX path inside the root."""
    if path == "":
        return "is empty"
    if _CONTROL.search(path):
        return "contains control characters"
    if path.startswith("/") or re.match(r"[A-Za-z]:", path):
        return "is absolute"
    if "\\" in path:
        return 'contains a backslash; use "/" as the separator'
    segments = path.split("/")
    if ".." in segments:
        return "leaves the model root"
    if any(segment in ("", ".") for segment in segments):
        return 'is not normalised ("//" or "./")'
    return None


def _js(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))[:80]


class _Checker:
    def __init__(self, file: Optional[str]) -> None:
        self.file = file

    def fail(self, json_path: str, problem: str, value: Any = ..., code: str = ErrorCode.INVALID_FIELD):
        shown = "it is missing" if value is ... else f"got {_js(value)}"
        where = f" (in {self.file})" if self.file else ""
        raise ManifestFormatError(
            code,
            f"manifest field {json_path} {problem}, {shown}{where}; fix that field "
            "or regenerate the manifest with `modelship-manifest create`",
            json_path,
            self.file,
        )

    def obj(self, value: Any, json_path: str) -> Dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(json_path, "must be an object", value)
        return value

    def string(self, value: Any, json_path: str, pattern=None, pattern_text: str = "") -> str:
        if not isinstance(value, str):
            self.fail(json_path, "must be a string", value)
        if pattern is not None and not pattern.fullmatch(value):
            self.fail(json_path, f"must be {pattern_text}", value)
        return value

    def non_empty(self, value: Any, json_path: str) -> str:
        if not isinstance(value, str) or value == "":
            self.fail(json_path, "must be a non-empty string", value)
        return value

    def nullable_string(self, value: Any, json_path: str) -> None:
        if value is not None and not isinstance(value, str):
            self.fail(json_path, "must be a string or null", value)


def _get(obj: Dict[str, Any], key: str) -> Any:
    return obj.get(key, ...)


def _is_size(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not value.is_integer():
        return False
    return 0 <= value <= _MAX_SAFE_INTEGER


def _check_shards(c: _Checker, shards: Dict[str, Any], file_size: int, at: str) -> None:
    """``files[i].shards`` (SPEC.md §2.1): one SHA-256 per ``size`` bytes of the file, at least one."""
    size = _get(shards, "size")
    if not _is_size(size) or size <= 0:
        c.fail(f"{at}.size", "must be a positive integer", size)
    digests = _get(shards, "sha256")
    if not isinstance(digests, list):
        c.fail(f"{at}.sha256", "must be an array", digests)
    count = max(1, -(-int(file_size) // int(size)))
    if len(digests) != count:
        c.fail(f"{at}.sha256", f"must hold {count} digests (one per {int(size)} bytes)", len(digests))
    for i, digest in enumerate(digests):
        c.string(digest, f"{at}.sha256[{i}]", _SHA256, "64 lowercase hex digits")


def _check_modelship(c: _Checker, root: Dict[str, Any]) -> None:
    c.string(_get(root, "schema"), "schema", re.compile(re.escape(MODELSHIP_SCHEMA_ID)), f'"{MODELSHIP_SCHEMA_ID}"')
    c.non_empty(_get(root, "name"), "name")
    c.non_empty(_get(root, "version"), "version")
    files = _get(root, "files")
    if not isinstance(files, list) or len(files) == 0:
        c.fail("files", "must be a non-empty array", files)
    seen = set()
    for index, item in enumerate(files):
        at = f"files[{index}]"
        entry = c.obj(item, at)
        path = c.non_empty(_get(entry, "path"), f"{at}.path")
        reason = unsafe_path_reason(path)
        if reason is not None:
            where = f" (in {c.file})" if c.file else ""
            raise ManifestFormatError(
                ErrorCode.UNSAFE_PATH,
                f"manifest.{at}.path {_js(path)} {reason}; paths must be relative and stay inside the model root{where}",
                f"{at}.path",
                c.file,
            )
        if path in seen:
            c.fail(f"{at}.path", "must be unique", path)
        seen.add(path)
        if not _is_size(_get(entry, "size")):
            c.fail(f"{at}.size", "must be a non-negative integer", _get(entry, "size"))
        if "md5" in entry:
            c.string(entry["md5"], f"{at}.md5", _MD5, "32 lowercase hex digits")
        if "sha256" in entry:
            c.string(entry["sha256"], f"{at}.sha256", _SHA256, "64 lowercase hex digits")
        if "md5" not in entry and "sha256" not in entry:
            c.fail(f"{at}.sha256", "must be present (or md5): a file entry needs at least one digest")
        if "shards" in entry:
            _check_shards(c, c.obj(entry["shards"], f"{at}.shards"), entry["size"], f"{at}.shards")
    digest = c.obj(_get(root, "digest"), "digest")
    c.string(_get(digest, "algorithm"), "digest.algorithm", re.compile("md5|sha256"), '"md5" or "sha256"')
    c.string(_get(digest, "value"), "digest.value", _HEX, "lowercase hex")
    provenance = c.obj(_get(root, "provenance"), "provenance")
    c.string(
        _get(provenance, "source"),
        "provenance.source",
        re.compile("github-actions|git|unknown"),
        "github-actions, git or unknown",
    )
    for key in ("repository", "ref", "commit", "commitMessage", "workflow", "runId", "runAttempt", "actor"):
        c.nullable_string(_get(provenance, key), f"provenance.{key}")
    c.string(_get(provenance, "uploadedAt"), "provenance.uploadedAt", _ISO_UTC, "an ISO-8601 UTC time ending in Z")
    if "storage" in root:
        c.non_empty(_get(c.obj(root["storage"], "storage"), "uri"), "storage.uri")
    if "signature" in root:
        signature = c.obj(root["signature"], "signature")
        c.string(_get(signature, "algorithm"), "signature.algorithm", re.compile("ed25519"), '"ed25519"')
        c.string(_get(signature, "publicKey"), "signature.publicKey")
        c.string(_get(signature, "value"), "signature.value")


def _check_algorithmia(c: _Checker, root: Dict[str, Any]) -> None:
    c.string(_get(root, "model_filepath"), "model_filepath")
    c.string(_get(root, "model_md5_hash"), "model_md5_hash", _MD5, "32 lowercase hex digits")
    c.string(_get(root, "model_origin_commit_SHA"), "model_origin_commit_SHA")
    c.nullable_string(_get(root, "model_origin_commit_msg"), "model_origin_commit_msg")
    c.string(_get(root, "model_origin_repo"), "model_origin_repo")
    c.string(_get(root, "model_origin_ref"), "model_origin_ref")
    c.string(
        _get(root, "model_uploaded_utc"), "model_uploaded_utc", _ALGORITHMIA_TIME, '"%Y-%m-%d %H:%M:%S.%f" (UTC)'
    )


def detect_format(value: Any) -> Optional[str]:
    if not isinstance(value, dict):
        return None
    if "schema" in value:
        return "modelship"
    if "model_md5_hash" in value or "model_filepath" in value:
        return "algorithmia"
    return None


def parse_manifest_value(value: Any, file: Optional[str] = None) -> Tuple[str, Dict[str, Any]]:
    """Validates parsed JSON of either format; returns ``(format, manifest)``."""
    fmt = detect_format(value)
    if fmt is None:
        raise ManifestFormatError(
            ErrorCode.UNKNOWN_FORMAT,
            f"{file or 'the manifest'} is neither a modelship manifest (no \"schema\" field) nor an Algorithmia "
            'model_manifest.json (no "model_md5_hash" field)',
            "",
            file,
        )
    checker = _Checker(file)
    if fmt == "modelship":
        _check_modelship(checker, value)
    else:
        _check_algorithmia(checker, value)
    return fmt, value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


# json's C decoder recurses once per nesting level and stops at the interpreter's recursion
# limit (1,000 by default), while JSON.parse in the TypeScript verifier goes far deeper. Unknown
# fields are tolerated however deep they nest, up to this bound (SPEC.md, "Readers tolerate unknown fields").
MAX_NESTING_DEPTH = 10_000


def _loads(text: str) -> Any:
    wanted = MAX_NESTING_DEPTH + 200
    previous = sys.getrecursionlimit()
    raised = previous < wanted
    if raised:
        sys.setrecursionlimit(wanted)
    try:
        return json.loads(text, parse_constant=_reject_constant)
    finally:
        # Put it back only if nobody changed it meanwhile (another thread may have raised it too).
        if raised and sys.getrecursionlimit() == wanted:
            sys.setrecursionlimit(previous)


def parse_manifest_text(text: str, file: Optional[str] = None) -> Tuple[str, Dict[str, Any]]:
    try:
        value = _loads(text[1:] if text.startswith("\ufeff") else text)
    except RecursionError as error:
        raise ManifestFormatError(
            ErrorCode.MALFORMED_JSON,
            f"{file or 'the manifest'} nests JSON deeper than {MAX_NESTING_DEPTH:,} levels, more than this "
            "verifier reads; remove the deeply nested field or regenerate it with `modelship-manifest create`",
            "",
            file,
        ) from error
    except ValueError as error:
        raise ManifestFormatError(
            ErrorCode.MALFORMED_JSON,
            f"{file or 'the manifest'} is not valid JSON ({error}); regenerate it with `modelship-manifest create`",
            "",
            file,
        ) from error
    return parse_manifest_value(value, file)


def read_manifest(path: str) -> Tuple[str, Dict[str, Any]]:
    """Reads a manifest of either format (auto-detected); returns ``(format, manifest)``."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        reason = error.strerror or str(error)
        raise ManifestFormatError(
            ErrorCode.MANIFEST_UNREADABLE, f"cannot read manifest {path}: {reason}", "", path
        ) from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ManifestFormatError(
            ErrorCode.MALFORMED_JSON, f"{path} is not valid JSON (not UTF-8: {error})", "", path
        ) from error
    return parse_manifest_text(text, path)
