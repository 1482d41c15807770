"""Materialises a shared vector (spec/manifest/vectors/README.md) in a temporary directory."""
import glob
import json
import os

from manifest_test_paths import SPEC_DIR

VECTORS_DIR = os.path.join(SPEC_DIR, "vectors")


def load_vectors():
    vectors = []
    for path in sorted(glob.glob(os.path.join(VECTORS_DIR, "*.json"))):
        with open(path, encoding="utf-8") as handle:
            vectors.append(json.load(handle))
    return vectors


def _bytes_of(spec):
    if "text" in spec:
        data = bytearray(spec["text"].encode("utf-8"))
    elif "fixture" in spec:
        with open(os.path.join(SPEC_DIR, spec["fixture"]), "rb") as handle:
            data = bytearray(handle.read())
    else:
        size, seed = spec["pattern"]["size"], spec["pattern"]["seed"]
        data = bytearray((i * 31 + seed) & 0xFF for i in range(size))
    if "flip" in spec:
        data[spec["flip"]["offset"]] ^= spec["flip"]["xor"]
    if "truncate" in spec:
        data = data[: spec["truncate"]]
    return bytes(data)


def _write_tree(root, files):
    os.makedirs(root, exist_ok=True)
    for path, spec in files.items():
        if spec is None:
            continue
        target = os.path.join(root, *path.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(_bytes_of(spec))


def materialise(vector, directory):
    root = os.path.join(directory, "model")
    _write_tree(root, vector["model"])
    _write_tree(os.path.join(directory, "outside"), vector["outside"])
    for path, target in vector["symlinks"].items():
        link = os.path.join(root, *path.split("/"))
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(target, link)
    manifest_path = os.path.join(root, vector["manifestName"])
    if "manifestText" in vector:
        text = vector["manifestText"]
    elif "manifestFixture" in vector:
        with open(os.path.join(SPEC_DIR, vector["manifestFixture"]), encoding="utf-8") as handle:
            text = handle.read()
    else:
        text = json.dumps(vector["manifest"], indent=2, ensure_ascii=False)
    with open(manifest_path, "w", encoding="utf-8") as handle:
        handle.write(text)
    options = vector["options"]
    return {
        "root": root,
        "manifest": manifest_path,
        "model": os.path.join(directory, *options["model"].split("/")) if "model" in options else None,
        "public_key": os.path.join(SPEC_DIR, options["publicKey"]) if "publicKey" in options else None,
    }
