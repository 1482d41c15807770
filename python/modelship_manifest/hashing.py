"""Single-pass hashing with 1 MiB reads; files and shards hashed in parallel threads (hashlib releases the GIL)."""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, NamedTuple, Sequence, Union

READ_BUFFER_SIZE = 1 << 20
DIGEST_ALGORITHMS = ("md5", "sha256")

FileDigests = Dict[str, Union[int, str]]


class HashJob(NamedTuple):
    """Bytes [start, end) (end -1: to the end) of a path or an open descriptor, and what to compute."""

    source: Union[str, int]
    algorithms: Sequence[str]
    start: int = 0
    end: int = -1


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
    """hash_fd over several whole descriptors; results in the order of ``fds``."""
    return hash_jobs([HashJob(fd, algorithms) for fd in fds])


def hash_files(paths: Sequence[str], algorithms: Sequence[str] = DIGEST_ALGORITHMS) -> List[FileDigests]:
    """Hashes several whole files; results in the order of ``paths``."""
    return hash_jobs([HashJob(path, algorithms) for path in paths])


def _run(job: HashJob) -> FileDigests:
    if isinstance(job.source, int):
        return hash_fd(job.source, job.algorithms, job.start, job.end)
    if job.start == 0 and job.end < 0:
        return hash_file(job.source, job.algorithms)
    fd = os.open(job.source, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        return hash_fd(fd, job.algorithms, job.start, job.end)
    finally:
        os.close(fd)


def _length(job: HashJob) -> int:
    if job.end >= 0:
        return job.end - job.start
    size = os.fstat(job.source).st_size if isinstance(job.source, int) else os.path.getsize(job.source)
    return size - job.start


def hash_jobs(jobs: Sequence[HashJob]) -> List[FileDigests]:
    """Hashes whole files and byte ranges (the shards of one file may be several jobs on one
    descriptor: positional reads do not share a file position); results in the order of ``jobs``.
    Jobs larger than one read go to a thread pool sized to the cores (hashlib releases the GIL on
    large buffers); small ones, where system calls dominate, are hashed in this thread."""
    results: List[FileDigests] = [{} for _ in jobs]
    large: List[int] = []
    for index, job in enumerate(jobs):
        if _length(job) > READ_BUFFER_SIZE:
            large.append(index)
        else:
            results[index] = _run(job)
    workers = min(len(large), os.cpu_count() or 1)
    if workers <= 1:
        for index in large:
            results[index] = _run(jobs[index])
        return results
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for index, digests in zip(large, pool.map(lambda i: _run(jobs[i]), large)):
            results[index] = digests
    return results
