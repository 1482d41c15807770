"""Sharded digests (SPEC.md §2.1) in the Python reader, on the manifest the TypeScript CLI made
(`modelship-manifest create --shard-size 1000`, spec/manifest/fixtures/sharded)."""
import copy
import hashlib
import json
import os
import shutil

import pytest
from manifest_test_paths import SPEC_DIR

from modelship_manifest import (
    ErrorCode,
    ManifestFormatError,
    ModelIntegrityError,
    aggregate_digest,
    hashing,
    open_verified,
    parse_manifest_value,
    verify_model,
)

FIXTURE = os.path.join(SPEC_DIR, "fixtures", "sharded")
SECOND_SHARD = {"start": 1000, "end": 2000}


@pytest.fixture
def model(tmp_path):
    root = tmp_path / "model"
    shutil.copytree(FIXTURE, root)
    return root


def manifest_of(root):
    return str(root / "modelship.manifest.json")


def flip(path, offset):
    with open(path, "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 1]))


def weights_entry(report):
    return next(entry for entry in report["files"] if entry["path"] == "weights.bin")


def test_the_cli_made_manifest_verifies_shard_by_shard(model):
    report = verify_model(manifest_of(model), strict=True)
    # Like the TypeScript report: the shard count, and no whole-file sha256 (it was not computed).
    assert weights_entry(report) == {
        "path": "weights.bin",
        "size": 3172,
        "algorithms": ["sha256"],
        "shards": 4,
        "fromCache": False,
    }
    assert report["bytesHashed"] == 3172 + 14
    every = weights_entry(verify_model(manifest_of(model), algorithm="all"))
    with open(manifest_of(model), encoding="utf-8") as handle:
        written = json.load(handle)
    assert every["md5"] == written["files"][1]["md5"]
    assert every["algorithms"] == ["md5", "sha256"] and "sha256" not in every


def test_shards_go_to_the_thread_pool_in_several_reads(model, monkeypatch):
    # Shards larger than one read are the pool's work; a 256-byte read makes these 1,000-byte
    # shards such jobs, each read in pieces from one shared descriptor.
    monkeypatch.setattr(hashing, "READ_BUFFER_SIZE", 256)
    assert weights_entry(verify_model(manifest_of(model)))["shards"] == 4
    flip(model / "weights.bin", 2999)
    with pytest.raises(ModelIntegrityError) as caught:
        with open_verified(manifest_of(model)):
            pass
    assert [issue.shard for issue in caught.value.issues] == [{"start": 2000, "end": 3000}]


def open_and_close(path):
    with open_verified(path):
        pass


def test_a_flipped_byte_in_the_second_shard_names_its_range(model):
    flip(model / "weights.bin", 1500)
    for check in (verify_model, open_and_close):
        with pytest.raises(ModelIntegrityError) as caught:
            check(manifest_of(model))
        error = caught.value
        assert error.code == ErrorCode.DIGEST_MISMATCH
        assert [(issue.path, issue.algorithm, issue.shard) for issue in error.issues] == [
            ("weights.bin", "sha256", SECOND_SHARD)
        ]
        assert "weights.bin bytes [1000, 2000): sha256 expected " in error.message
        assert error.issues[0].to_json()["shard"] == SECOND_SHARD


def test_md5_only_still_reads_the_whole_file(model):
    # --algorithm md5 does not look at the shards: a change is still found, with no range.
    flip(model / "weights.bin", 1500)
    with pytest.raises(ModelIntegrityError) as caught:
        verify_model(manifest_of(model), algorithm="md5")
    assert [(issue.algorithm, issue.shard) for issue in caught.value.issues] == [("md5", None)]


def test_open_verified_yields_the_sharded_files_and_refuses_a_tampered_one(model):
    weights = (model / "weights.bin").read_bytes()
    report = {}
    with open_verified(manifest_of(model), strict=True, report=report) as files:
        assert files["weights.bin"].read() == weights
    assert weights_entry(report)["shards"] == 4
    flip(model / "weights.bin", 3100)  # the last, short shard
    with pytest.raises(ModelIntegrityError) as caught:
        open_and_close(manifest_of(model))
    assert caught.value.issues[0].shard == {"start": 3000, "end": 3172}


def reading(fixture_manifest, change):
    manifest = copy.deepcopy(fixture_manifest)
    change(manifest["files"][1])
    with pytest.raises(ManifestFormatError) as caught:
        parse_manifest_value(manifest, "m.json")
    return caught.value


@pytest.fixture
def written():
    with open(os.path.join(FIXTURE, "modelship.manifest.json"), encoding="utf-8") as handle:
        return json.load(handle)


@pytest.mark.parametrize(
    "change, json_path, says",
    [
        (lambda f: f["shards"]["sha256"].pop(), "files[1].shards.sha256", "must hold 4 digests (one per 1000 bytes)"),
        (
            lambda f: f["shards"]["sha256"].__setitem__(2, "XYZ"),
            "files[1].shards.sha256[2]",
            "must be 64 lowercase hex digits",
        ),
        (lambda f: f["shards"].__setitem__("size", 0), "files[1].shards.size", "must be a positive integer"),
        (lambda f: f["shards"].__setitem__("size", 2.5), "files[1].shards.size", "must be a positive integer"),
        (lambda f: f["shards"].__setitem__("sha256", "abc"), "files[1].shards.sha256", "must be an array"),
        (lambda f: f.__setitem__("shards", None), "files[1].shards", "must be an object"),
    ],
)
def test_a_bad_shards_shape_is_a_format_error_naming_the_field(written, change, json_path, says):
    error = reading(written, change)
    assert error.code == ErrorCode.INVALID_FIELD
    assert error.json_path == json_path
    assert f"manifest field {json_path} {says}" in error.message and "(in m.json)" in error.message


def test_unknown_fields_inside_shards_and_an_empty_sharded_file_are_fine(model, written):
    written["files"][1]["shards"]["futureField"] = {"nested": True}
    # An empty file has one shard, the digest of no bytes.
    nothing = hashlib.sha256(b"").hexdigest()
    shards = {"size": 1000, "sha256": [nothing]}
    written["files"].append({"path": "empty.bin", "size": 0, "sha256": nothing, "shards": shards})
    written["digest"]["value"] = aggregate_digest(written["files"], "sha256")
    (model / "empty.bin").write_bytes(b"")
    (model / "modelship.manifest.json").write_text(json.dumps(written), encoding="utf-8")
    report = verify_model(manifest_of(model), strict=True)
    assert [entry.get("shards") for entry in report["files"]] == [None, 4, 1]
