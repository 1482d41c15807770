"""verify_model: the Python twin of @modelship/manifest's verifyModel (same checks, same order)."""
from __future__ import annotations

import hashlib
import os
import stat as stat_module
from typing import Any, Dict, List, Optional

from .errors import ErrorCode, IntegrityIssue, ManifestFormatError, ManifestInputError, ModelIntegrityError
from .hashing import DIGEST_ALGORITHMS
from .manifest import ALGORITHMIA_MANIFEST_FILE_NAME, MODELSHIP_MANIFEST_FILE_NAME, read_manifest
from .signature import verify_manifest_signature
from .verify_hash import compare_digests, hash_planned

VERIFY_ALGORITHMS = ("md5", "sha256", "all", "strongest")


def _utf8(path: str) -> bytes:
    return path.encode("utf-8", "surrogateescape")


def aggregate_digest(files: List[Dict[str, Any]], algorithm: str) -> str:
    """Hash of the lines ``<hex>  <path>\\n`` of every file, sorted by the UTF-8 bytes of the path."""
    digest = hashlib.new(algorithm)
    for entry in sorted(files, key=lambda item: _utf8(item["path"])):
        digest.update(f"{entry[algorithm]}  {entry['path']}\n".encode("utf-8"))
    return digest.hexdigest()


def _inside(real_root: str, real_target: str) -> bool:
    return real_target == real_root or real_target.startswith(real_root.rstrip(os.sep) + os.sep)


def _symlink_escape(path: str, target: str, root: str) -> ManifestInputError:
    return ManifestInputError(
        ErrorCode.SYMLINK_ESCAPE,
        f"{path} is a symlink to {target}, outside the model root {root}; copy the file into the root "
        "instead of linking to it",
        path,
    )


def _unreadable(path: str, reason: str) -> ManifestInputError:
    return ManifestInputError(
        ErrorCode.MODEL_UNREADABLE,
        f"cannot read model file {path} ({reason}); check that it is a readable regular file",
        path,
    )


def _walk(root: str, skip) -> List[str]:
    real_root = os.path.realpath(root)
    found: List[str] = []
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        names = list(filenames) + [d for d in dirnames if os.path.islink(os.path.join(directory, d))]
        for name in names:
            absolute = os.path.join(directory, name)
            relative = os.path.relpath(absolute, root).replace(os.sep, "/")
            if skip(relative):
                continue
            if os.path.islink(absolute):
                if not os.path.exists(absolute):
                    continue
                target = os.path.realpath(absolute)
                if not _inside(real_root, target):
                    raise _symlink_escape(absolute, target, root)
                if not os.path.isfile(target):
                    continue
            elif not os.path.isfile(absolute):
                continue
            found.append(relative)
    return sorted(found, key=_utf8)


def _algorithms_for(entry: Dict[str, Any], choice: str, index: int) -> List[str]:
    present = [name for name in DIGEST_ALGORITHMS if name in entry or (name == "sha256" and "shards" in entry)]
    if choice == "all":
        return present
    if choice == "strongest":
        return ["sha256" if "sha256" in present else "md5"]
    if choice not in present:
        raise ManifestInputError(
            ErrorCode.ALGORITHM_UNAVAILABLE,
            f"the manifest has no {choice} digest for {entry['path']} (files[{index}]); use --algorithm strongest "
            f"or {'/'.join(present)}",
        )
    return [choice]


def _check_aggregate(manifest: Dict[str, Any]) -> None:
    algorithm = manifest["digest"]["algorithm"]
    value = manifest["digest"]["value"]
    for index, entry in enumerate(manifest["files"]):
        if algorithm not in entry:
            raise ManifestFormatError(
                ErrorCode.INVALID_FIELD,
                f"manifest field files[{index}].{algorithm} is missing but digest.algorithm is {algorithm}",
                f"files[{index}].{algorithm}",
            )
    actual = aggregate_digest(manifest["files"], algorithm)
    if actual != value:
        raise ModelIntegrityError(
            [],
            ErrorCode.AGGREGATE_MISMATCH,
            f"the manifest's aggregate digest ({algorithm} {value}) does not match its file entries ({actual}): "
            "the file list was edited after the manifest was made; do not trust it",
        )


def _expectations(fmt: str, manifest: Dict[str, Any], root: str, model: Optional[str]) -> List[Dict[str, Any]]:
    if fmt == "algorithmia":
        path = os.path.basename(model) if model else manifest["model_filepath"].rsplit("/", 1)[-1]
        absolute = os.path.abspath(model) if model else os.path.join(root, path)
        return [{"path": path, "absolute": absolute, "md5": manifest["model_md5_hash"]}]
    files = manifest["files"]
    if model is not None:
        if len(files) != 1:
            raise ManifestInputError(
                ErrorCode.INVALID_OPTIONS,
                f"--model maps a single-file manifest onto a local file, but this manifest lists {len(files)} files; "
                "use --root DIR instead",
            )
        return [dict(files[0], absolute=os.path.abspath(model))]
    return [dict(entry, absolute=os.path.join(root, *entry["path"].split("/"))) for entry in files]


def _prepare(manifest_path, root, model, algorithm, public_key):
    """Everything before touching the model files: manifest, signature, aggregate, expectations."""
    if algorithm not in VERIFY_ALGORITHMS:
        raise ManifestInputError(
            ErrorCode.UNKNOWN_ALGORITHM,
            f'algorithm "{algorithm}" is unknown; use one of {", ".join(VERIFY_ALGORITHMS)}',
        )
    if root is not None and model is not None:
        raise ManifestInputError(ErrorCode.INVALID_OPTIONS, "give root or model, not both")
    fmt, manifest = read_manifest(manifest_path)
    signature = "unsigned"
    if fmt == "modelship":
        signature = verify_manifest_signature(manifest, public_key)
        _check_aggregate(manifest)
    elif public_key is not None:
        verify_manifest_signature({}, public_key)
    root = os.path.abspath(root if root is not None else os.path.dirname(os.path.abspath(manifest_path)))
    expected = _expectations(fmt, manifest, root, model)
    algorithms = [_algorithms_for(entry, algorithm, index) for index, entry in enumerate(expected)]
    return fmt, manifest, signature, root, expected, algorithms


def _extra_files(root: str, expected: List[Dict[str, Any]], manifest_path: str) -> List[IntegrityIssue]:
    """Strict mode: files under the root that the manifest does not list (the manifest itself aside)."""
    listed = {entry["path"] for entry in expected}
    manifest_real = os.path.abspath(manifest_path)

    def skip(relative: str) -> bool:
        return relative in (MODELSHIP_MANIFEST_FILE_NAME, ALGORITHMIA_MANIFEST_FILE_NAME) or os.path.join(
            root, relative
        ) == manifest_real

    return [IntegrityIssue(ErrorCode.FILE_EXTRA, relative) for relative in _walk(root, skip) if relative not in listed]


def verify_model(
    manifest_path: str,
    root: Optional[str] = None,
    model: Optional[str] = None,
    algorithm: str = "strongest",
    strict: bool = False,
    public_key: Optional[str] = None,
) -> Dict[str, Any]:
    """Verifies a model against its manifest (either format) and returns a report; raises
    ModelIntegrityError (bytes differ, file missing/extra, bad signature) or ManifestFormatError /
    ManifestInputError (bad input). ``public_key`` is PEM text or base64 of the raw key."""
    fmt, manifest, signature, root, expected, algorithms = _prepare(
        manifest_path, root, model, algorithm, public_key
    )
    real_root = os.path.realpath(root)
    issues: List[IntegrityIssue] = []
    to_hash: List[int] = []
    for index, entry in enumerate(expected):
        try:
            info = os.stat(entry["absolute"])
        except (FileNotFoundError, NotADirectoryError):
            issues.append(IntegrityIssue(ErrorCode.FILE_MISSING, entry["path"]))
            continue
        except OSError as error:
            raise _unreadable(entry["absolute"], error.strerror or str(error)) from error
        if model is None:
            real = os.path.realpath(entry["absolute"])
            if not _inside(real_root, real):
                raise _symlink_escape(entry["absolute"], real, root)
        if not stat_module.S_ISREG(info.st_mode):
            raise _unreadable(entry["absolute"], "not a regular file")
        if "size" in entry and info.st_size != entry["size"]:
            issues.append(IntegrityIssue(ErrorCode.SIZE_MISMATCH, entry["path"], None, entry["size"], info.st_size))
            continue
        to_hash.append(index)

    if strict and model is None:
        issues.extend(_extra_files(root, expected, manifest_path))

    try:
        results = hash_planned(expected, algorithms, to_hash, lambda index: expected[index]["absolute"])
    except OSError as error:
        raise _unreadable(error.filename or root, error.strerror or str(error)) from error
    files = compare_digests(expected, algorithms, results, issues)
    if issues:
        raise ModelIntegrityError(issues)
    return {
        "ok": True,
        "format": fmt,
        "manifestPath": os.path.abspath(manifest_path),
        "root": root,
        "files": files,
        "signature": signature,
        "bytesHashed": sum(int(results[index]["size"]) for index in to_hash),
    }


def assert_model(manifest_path: str, **options: Any) -> Dict[str, Any]:
    """The one-line runtime check; an alias of :func:`verify_model`."""
    return verify_model(manifest_path, **options)
