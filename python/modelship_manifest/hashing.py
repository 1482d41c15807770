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
    """Every requested digest of ``path`` in one pass of 1 MiB reads; ``{"size": n, "md5": ...}``."""
    hashes = [(name, hashlib.new(name)) for name in algorithms]
    size = 0
    with open(path, "rb", buffering=0) as handle:
        while True:
            chunk = handle.read(READ_BUFFER_SIZE)
            if not chunk:
                break
            for _, digest in hashes:
                digest.update(chunk)
            size += len(chunk)
    result: FileDigests = {"size": size}
    for name, digest in hashes:
        result[name] = digest.hexdigest()
    return result


def hash_files(paths: Sequence[str], algorithms: Sequence[str] = DIGEST_ALGORITHMS) -> List[FileDigests]:
    """Hashes several files; results in the order of ``paths``. Files larger than one read go to a
    thread pool sized to the cores (hashlib releases the GIL on large buffers); small files, where
    system calls dominate, are hashed in this thread."""
    results: List[FileDigests] = [{} for _ in paths]
    large: List[int] = []
    for index, path in enumerate(paths):
        if os.path.getsize(path) > READ_BUFFER_SIZE:
            large.append(index)
        else:
            results[index] = hash_file(path, algorithms)
    workers = min(len(large), os.cpu_count() or 1)
    if workers <= 1:
        for index in large:
            results[index] = hash_file(paths[index], algorithms)
        return results
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for index, digests in zip(large, pool.map(lambda i: hash_file(paths[i], algorithms), large)):
            results[index] = digests
    return results


def hash_fd(fd: int, algorithms: Sequence[str] = DIGEST_ALGORITHMS, start: int = 0, end: int = -1) -> FileDigests:
    """Digests of an open descriptor's bytes [start, end) (end -1: to the end of the file), read
    with positional reads so the descriptor's file position is left where it was."""
    hashes = [(name, hashlib.new(name)) for name in algorithms]
    position = start
    while end < 0 or position < end:
        want = READ_BUFFER_SIZE if end < 0 else min(READ_BUFFER_SIZE, end - position)
        chunk = os.pread(fd, want, position)
        if not chunk:
            break
        for _, digest in hashes:
            digest.update(chunk)
        position += len(chunk)
    result: FileDigests = {"size": position - start}
    for name, digest in hashes:
        result[name] = digest.hexdigest()
    return result


def hash_fds(fds: Sequence[int], algorithms: Sequence[str] = DIGEST_ALGORITHMS) -> List[FileDigests]:
    """hash_fd over several descriptors, on a thread pool sized to the cores."""
    workers = min(len(fds), os.cpu_count() or 1)
    if workers <= 1:
        return [hash_fd(fd, algorithms) for fd in fds]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda fd: hash_fd(fd, algorithms), fds))
