"""Errors with the same codes as @modelship/manifest (its SPEC.md lists them)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Union


class ErrorCode:
    MALFORMED_JSON = "MANIFEST_MALFORMED_JSON"
    INVALID_FIELD = "MANIFEST_INVALID_FIELD"
    UNKNOWN_FORMAT = "MANIFEST_UNKNOWN_FORMAT"
    MANIFEST_UNREADABLE = "MANIFEST_UNREADABLE"
    UNSAFE_PATH = "MANIFEST_UNSAFE_PATH"
    SYMLINK_ESCAPE = "MANIFEST_SYMLINK_ESCAPE"
    UNKNOWN_ALGORITHM = "MANIFEST_UNKNOWN_ALGORITHM"
    ALGORITHM_UNAVAILABLE = "MANIFEST_ALGORITHM_UNAVAILABLE"
    MODEL_UNREADABLE = "MODEL_UNREADABLE"
    INVALID_OPTIONS = "MANIFEST_INVALID_OPTIONS"
    INVALID_KEY = "MANIFEST_INVALID_KEY"
    SIZE_MISMATCH = "MODEL_SIZE_MISMATCH"
    DIGEST_MISMATCH = "MODEL_DIGEST_MISMATCH"
    FILE_MISSING = "MODEL_FILE_MISSING"
    FILE_EXTRA = "MODEL_FILE_EXTRA"
    MULTIPLE_FAILURES = "MODEL_MULTIPLE_FAILURES"
    AGGREGATE_MISMATCH = "MANIFEST_AGGREGATE_MISMATCH"
    SIGNATURE_INVALID = "MANIFEST_SIGNATURE_INVALID"
    SIGNATURE_MISSING = "MANIFEST_SIGNATURE_MISSING"


class ManifestError(Exception):
    """Base of every error here; ``code`` is one of :class:`ErrorCode`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class ManifestFormatError(ManifestError):
    """The manifest is malformed; ``json_path`` names the field, e.g. ``files[3].sha256``."""

    def __init__(self, code: str, message: str, json_path: Optional[str] = None, file: Optional[str] = None):
        super().__init__(code, message)
        self.json_path = json_path
        self.file = file


class ManifestInputError(ManifestError):
    """Bad input that is not the manifest's format: options, unreadable files, symlink escapes."""

    def __init__(self, code: str, message: str, path: Optional[str] = None):
        super().__init__(code, message)
        self.path = path


@dataclass
class IntegrityIssue:
    code: str
    path: str
    algorithm: Optional[str] = None
    expected: Optional[Union[str, int]] = None
    actual: Optional[Union[str, int]] = None
    # For a sharded digest: the byte range {"start": s, "end": e} (end excluded) that differs.
    shard: Optional[Dict[str, int]] = None

    def describe(self) -> str:
        if self.code == ErrorCode.SIZE_MISMATCH:
            return f"{self.path}: size {self.actual} bytes, manifest says {self.expected}"
        if self.code == ErrorCode.DIGEST_MISMATCH:
            where = f" bytes [{self.shard['start']}, {self.shard['end']})" if self.shard else ""
            return f"{self.path}{where}: {self.algorithm} expected {self.expected}, actual {self.actual}"
        if self.code == ErrorCode.FILE_MISSING:
            return f"{self.path}: missing (listed in the manifest)"
        return f"{self.path}: extra file not listed in the manifest (strict mode)"

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class ModelIntegrityError(ManifestError):
    """The model on disk (or the manifest's signature/aggregate) does not match the manifest."""

    def __init__(self, issues: List[IntegrityIssue], code: Optional[str] = None, message: Optional[str] = None):
        codes = {issue.code for issue in issues}
        if code is None:
            code = next(iter(codes)) if len(codes) == 1 else ErrorCode.MULTIPLE_FAILURES
        if message is None:
            plural = "" if len(issues) == 1 else "s"
            lines = "\n".join(f"  {issue.describe()}" for issue in issues)
            message = (
                f"model integrity check failed for {len(issues)} file{plural}:\n{lines}\n"
                "the model on disk is not the one the manifest describes; do not load it — "
                "re-download it or rebuild the manifest"
            )
        super().__init__(code, message)
        self.issues = issues
