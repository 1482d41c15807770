"""Hashing a model's files as its manifest asks, and comparing (the twin of verify-hash.ts): a
sharded file's SHA-256 is checked shard by shard, every shard a job on the thread pool, so one huge
file uses every core; its other digests (md5 under ``all``) are taken on the whole file."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from .errors import ErrorCode, IntegrityIssue
from .hashing import HashJob, hash_jobs

Shard = Tuple[int, int, str]  # bytes [start, end) and their expected SHA-256


def shard_ranges(entry: Dict[str, Any]) -> Optional[List[Shard]]:
    """A modelship entry's ``shards`` ({size, sha256: [...]}) as byte ranges (SPEC.md §2.1); None
    for an entry without shards. The reader has checked there is one digest per range."""
    shards = entry.get("shards")
    if shards is None:
        return None
    size, total = int(shards["size"]), int(entry["size"])
    return [(i * size, min((i + 1) * size, total), digest) for i, digest in enumerate(shards["sha256"])]


def _plan(entry: Dict[str, Any], algorithms: Sequence[str]) -> Tuple[List[str], Optional[List[Shard]]]:
    """(digests to take on the whole file, shards to check), for one file and its checked algorithms."""
    shards = shard_ranges(entry) if "sha256" in algorithms else None
    whole = [name for name in algorithms if shards is None or name != "sha256"]
    return whole, shards


def hash_planned(
    expected: List[Dict[str, Any]],
    algorithms: List[List[str]],
    indices: Sequence[int],
    source_of: Callable[[int], Union[str, int]],
) -> Dict[int, Dict[str, Any]]:
    """Hashes the files ``indices`` (each read from ``source_of(index)``: a path or an open
    descriptor) as the manifest needs, all whole files and shards on one pool; maps an index to
    ``{"size": n, <algorithm>: hex, ..., "shards": [hex, ...]}``."""
    plans = {index: _plan(expected[index], algorithms[index]) for index in indices}
    union = sorted({name for whole, _ in plans.values() for name in whole})
    jobs: List[HashJob] = []
    owners: List[Tuple[int, bool]] = []  # (file index, is a shard)
    for index in indices:
        whole, shards = plans[index]
        source = source_of(index)
        if whole:
            jobs.append(HashJob(source, union))
            owners.append((index, False))
        for start, end, _ in shards or []:
            jobs.append(HashJob(source, ("sha256",), start, end))
            owners.append((index, True))
    results: Dict[int, Dict[str, Any]] = {}
    for (index, is_shard), digests in zip(owners, hash_jobs(jobs)):
        result = results.setdefault(index, {"size": 0})
        if not is_shard:
            result.update(digests)
            continue
        result.setdefault("shards", []).append(digests["sha256"])
        if not plans[index][0]:  # no whole-file pass: the shards' sizes add up to the file's
            result["size"] += digests["size"]
    return results


def compare_digests(
    expected: List[Dict[str, Any]],
    algorithms: List[List[str]],
    results: Dict[int, Dict[str, Any]],
    issues: List[IntegrityIssue],
) -> List[Dict[str, Any]]:
    """Compares hashed digests with the manifest (a file missing from ``results`` was not hashed);
    appends the differences to ``issues`` and returns the report's file entries."""
    files: List[Dict[str, Any]] = []
    for index, entry in enumerate(expected):
        actual = results.get(index)
        if actual is None:
            continue
        whole, shards = _plan(entry, algorithms[index])
        for name in whole:
            if actual[name] != entry[name]:
                issues.append(IntegrityIssue(ErrorCode.DIGEST_MISMATCH, entry["path"], name, entry[name], actual[name]))
        for (start, end, digest), got in zip(shards or [], actual.get("shards", [])):
            if got != digest:
                issues.append(
                    IntegrityIssue(
                        ErrorCode.DIGEST_MISMATCH, entry["path"], "sha256", digest, got, {"start": start, "end": end}
                    )
                )
        report_entry: Dict[str, Any] = {"path": entry["path"], "size": actual["size"], "algorithms": algorithms[index]}
        for name in whole:
            report_entry[name] = actual[name]
        if shards is not None:
            report_entry["shards"] = len(shards)
        report_entry["fromCache"] = False
        files.append(report_entry)
    return files
