"""open_verified: the files handed back are the bytes that were hashed, even under a swapping race."""
import hashlib
import json
import os
import subprocess
import sys

import pytest
from manifest_test_paths import HERE  # noqa: F401  (puts the source tree on sys.path)

from modelship_manifest import ErrorCode, ManifestError, ModelIntegrityError, aggregate_digest, open_verified

SWAPPER = """
import os, sys
target, good, evil, staging = sys.argv[1:]
i = 0
while True:
    try:
        if os.path.lexists(staging):
            os.unlink(staging)
        if i % 3 == 0:
            os.link(good, staging)
        elif i % 3 == 1:
            os.link(evil, staging)
        else:
            os.symlink(evil, staging)
        os.replace(staging, target)
        if i == 3:
            print("swapping", flush=True)
    except OSError:
        pass
    i += 1
"""


def write_model(root, files):
    entries = []
    for path, content in files.items():
        absolute = os.path.join(root, *path.split("/"))
        os.makedirs(os.path.dirname(absolute), exist_ok=True)
        with open(absolute, "wb") as handle:
            handle.write(content)
        entries.append({"path": path, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()})
    manifest = {
        "schema": "modelship.manifest/v1",
        "name": "m",
        "version": "1",
        "files": entries,
        "digest": {"algorithm": "sha256", "value": aggregate_digest(entries, "sha256")},
        "provenance": {
            "source": "unknown",
            "repository": None,
            "ref": None,
            "commit": None,
            "commitMessage": None,
            "workflow": None,
            "runId": None,
            "runAttempt": None,
            "actor": None,
            "uploadedAt": "2026-11-29T00:00:00.000Z",
        },
    }
    path = os.path.join(root, "modelship.manifest.json")
    with open(path, "w") as handle:
        json.dump(manifest, handle)
    return path


def test_yields_files_at_offset_zero_with_the_report_and_closes_them(tmp_path):
    big = b"\x07" * (3 << 20)
    manifest = write_model(str(tmp_path), {"model.json": b'{"w":1}', "weights/big.bin": big})
    report = {}
    with open_verified(manifest, strict=True, report=report) as files:
        assert files["model.json"].read() == b'{"w":1}'
        assert files["weights/big.bin"].read() == big
        kept = files["model.json"]
    assert kept.closed
    assert [entry["path"] for entry in report["files"]] == ["model.json", "weights/big.bin"]


def test_refuses_a_tampered_file_and_a_link_out_of_the_root(tmp_path):
    root = tmp_path / "m"
    root.mkdir()
    manifest = write_model(str(root), {"model.json": b"good"})
    (root / "model.json").write_bytes(b"evil")
    with pytest.raises(ModelIntegrityError) as caught:
        with open_verified(manifest):
            pass
    assert caught.value.code == ErrorCode.DIGEST_MISMATCH
    outside = tmp_path / "evil"
    outside.write_bytes(b"good")
    (root / "model.json").unlink()
    (root / "model.json").symlink_to(outside)
    with pytest.raises(ManifestError) as escaped:
        with open_verified(manifest):
            pass
    assert escaped.value.code == ErrorCode.SYMLINK_ESCAPE


def test_no_swapped_load_in_500_or_more_tries_while_another_process_swaps_the_file(tmp_path):
    good = json.dumps({"kind": "good", "pad": "x" * 4000}).encode()
    evil = json.dumps({"kind": "evil", "pad": "x" * 4000}).encode()
    root = tmp_path / "model"
    root.mkdir()
    manifest = write_model(str(root), {"model.json": good})
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "good").write_bytes(good)
    (outside / "evil").write_bytes(evil)
    swapper = subprocess.Popen(
        [sys.executable, "-c", SWAPPER, str(root / "model.json"), str(outside / "good"), str(outside / "evil"),
         str(outside / "staging")],
        stdout=subprocess.PIPE,
    )
    # Start loading only once the swapper is really swapping (a loaded machine starts it slowly).
    swapper.stdout.readline()
    counts = {"loaded": 0, "refused": 0, "swapped": 0}
    tries = 0
    try:
        # 500 loads; more (at most 5,000 in all) if the swapper was never caught in the act.
        while tries < 500 or (counts["refused"] == 0 and tries < 5000):
            tries += 1
            # Every step here is a quick system call: let the swapper have the core now and then.
            if hasattr(os, "sched_yield"):
                os.sched_yield()
            try:
                with open_verified(manifest) as files:
                    data = files["model.json"].read()
            except ManifestError:
                counts["refused"] += 1
                continue
            counts["loaded" if data == good else "swapped"] += 1
    finally:
        swapper.kill()
        swapper.wait()
        swapper.stdout.close()
    assert counts["swapped"] == 0
    # Both outcomes happened, so the swapper really raced the loads.
    assert counts["loaded"] > 0 and counts["refused"] > 0
