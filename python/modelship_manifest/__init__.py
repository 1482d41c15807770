"""Verify, in one line at load time, that a model is byte-for-byte the one its manifest describes.

    from modelship_manifest import verify_model
    verify_model("model/modelship.manifest.json")
"""
from ._version import __version__
from .canonical import canonical_json
from .errors import (
    ErrorCode,
    IntegrityIssue,
    ManifestError,
    ManifestFormatError,
    ManifestInputError,
    ModelIntegrityError,
)
from .hashing import hash_file, hash_files
from .manifest import detect_format, parse_manifest_text, parse_manifest_value, read_manifest, unsafe_path_reason
from .open_verified import open_verified
from .signature import cryptography_available, signing_payload, verify_manifest_signature
from .verify import aggregate_digest, assert_model, verify_model

__all__ = [
    "__version__",
    "ErrorCode",
    "IntegrityIssue",
    "ManifestError",
    "ManifestFormatError",
    "ManifestInputError",
    "ModelIntegrityError",
    "aggregate_digest",
    "assert_model",
    "canonical_json",
    "cryptography_available",
    "detect_format",
    "hash_file",
    "hash_files",
    "open_verified",
    "parse_manifest_text",
    "parse_manifest_value",
    "read_manifest",
    "signing_payload",
    "unsafe_path_reason",
    "verify_manifest_signature",
    "verify_model",
]
