"""Single-pass hashing with 1 MiB reads; files hashed in parallel threads (hashlib releases the GIL)."""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Sequence, Union

READ_BUFFER_SIZE = 1 << 20
DIGEST_ALGORITHMS = ("md5", "sha256")

FileDigests = Dict[str, Union[int, str]]


def hash_file(path: str, algorithms: Sequence[str] = DIGEST_ALGORITHMS) -> FileDigests:
    """Every requested digest of ``path`` in one read pass; returns ``{"size": n, "md5": ..., ...}``."""
    hashes = [(name, hashlib.new(name)) for name in algorithms]
    buffer = bytearray(READ_BUFFER_SIZE)
    view = memoryview(buffer)
    size = 0
    with open(path, "rb", buffering=0) as handle:
        while True:
            count = handle.readinto(buffer)
            if not count:
                break
            chunk = view[:count]
            for _, digest in hashes:
                digest.update(chunk)
            size += count
    result: FileDigests = {"size": size}
    for name, digest in hashes:
        result[name] = digest.hexdigest()
    return result


def hash_files(paths: Sequence[str], algorithms: Sequence[str] = DIGEST_ALGORITHMS) -> List[FileDigests]:
    """Hashes several files on a thread pool sized to the cores; results in the order of ``paths``."""
    if len(paths) <= 1:
        return [hash_file(path, algorithms) for path in paths]
    workers = min(len(paths), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda path: hash_file(path, algorithms), paths))
