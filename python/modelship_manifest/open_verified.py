"""open_verified: verify a model and read exactly the bytes that were hashed (the twin of openVerified)."""
from __future__ import annotations

import contextlib
import os
import stat as stat_module
from typing import Any, BinaryIO, Dict, Iterator, List, Optional

from .errors import ErrorCode, IntegrityIssue, ModelIntegrityError
from .verify import _extra_files, _inside, _prepare, _symlink_escape, _unreadable
from .verify_hash import compare_digests, hash_planned

# O_NOFOLLOW refuses a symlink as the last path component; platforms without it open plainly.
_NO_FOLLOW = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _opened_path(fd: int) -> Optional[str]:
    """Where the kernel says an open descriptor points (Linux /proc); None elsewhere."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}").removesuffix(" (deleted)")
    except OSError:
        return None


def _open_inside(absolute: str, real_root: Optional[str], root: str) -> Optional[int]:
    """Opens one model file without following a last-component symlink out of the root (an in-root
    link is resolved and checked first); the opened descriptor must lie inside the root and be a
    regular file. None when the file is missing."""
    try:
        fd = os.open(absolute, os.O_RDONLY if real_root is None else _NO_FOLLOW)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        if real_root is None or not os.path.islink(absolute):
            raise _unreadable(absolute, error.strerror or str(error)) from error
        target = os.path.realpath(absolute)
        if not _inside(real_root, target):
            raise _symlink_escape(absolute, target, root) from error
        try:
            fd = os.open(target, _NO_FOLLOW)
        except FileNotFoundError:
            return None
        except OSError as again:
            raise _unreadable(absolute, again.strerror or str(again)) from again
    try:
        if real_root is not None:
            real = _opened_path(fd) or os.path.realpath(os.path.dirname(absolute))
            if not _inside(real_root, real):
                raise _symlink_escape(absolute, real, root)
        if not stat_module.S_ISREG(os.fstat(fd).st_mode):
            raise _unreadable(absolute, "not a regular file")
        return fd
    except BaseException:
        os.close(fd)
        raise


@contextlib.contextmanager
def open_verified(
    manifest_path: str,
    root: Optional[str] = None,
    model: Optional[str] = None,
    algorithm: str = "strongest",
    strict: bool = False,
    public_key: Optional[str] = None,
    report: Optional[Dict[str, Any]] = None,
) -> Iterator[Dict[str, BinaryIO]]:
    """Verifies a model and yields its files open, ``{manifest path: binary file object}``, each
    positioned at 0 on exactly the bytes that were hashed: every file is opened once and hashed
    through its descriptor, so a file swapped by rename or symlink after the check cannot be read
    by mistake. A writer who modifies the same inode in place is not stopped (see SPEC.md). The
    files are closed on leaving the block. Raises like verify_model; pass a dict as ``report`` to
    receive verify_model's report.

        with open_verified("model/modelship.manifest.json", strict=True) as files:
            weights = files["weights.bin"].read()
    """
    fmt, _manifest, signature, root, expected, algorithms = _prepare(manifest_path, root, model, algorithm, public_key)
    real_root = os.path.realpath(root) if model is None else None
    fds: Dict[int, int] = {}
    objects: List[BinaryIO] = []
    try:
        issues: List[IntegrityIssue] = []
        to_hash: List[int] = []
        for index, entry in enumerate(expected):
            fd = _open_inside(entry["absolute"], real_root, root)
            if fd is None:
                issues.append(IntegrityIssue(ErrorCode.FILE_MISSING, entry["path"]))
                continue
            fds[index] = fd
            size = os.fstat(fd).st_size
            if "size" in entry and size != entry["size"]:
                issues.append(IntegrityIssue(ErrorCode.SIZE_MISMATCH, entry["path"], None, entry["size"], size))
                continue
            to_hash.append(index)
        if strict and model is None:
            issues.extend(_extra_files(root, expected, manifest_path))
        # Shards too are read through the descriptors handed back (positional reads, in parallel).
        results = hash_planned(expected, algorithms, to_hash, lambda index: fds[index])
        files = compare_digests(expected, algorithms, results, issues)
        if issues:
            raise ModelIntegrityError(issues)
        if report is not None:
            report.update(
                ok=True,
                format=fmt,
                manifestPath=os.path.abspath(manifest_path),
                root=root,
                files=files,
                signature=signature,
                bytesHashed=sum(int(results[index]["size"]) for index in to_hash),
            )
        opened: Dict[str, BinaryIO] = {}
        for index, entry in enumerate(expected):
            handle = os.fdopen(fds.pop(index), "rb")
            objects.append(handle)
            opened[entry["path"]] = handle
        yield opened
    finally:
        for handle in objects:
            handle.close()
        for fd in fds.values():
            os.close(fd)
