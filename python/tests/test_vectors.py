"""The shared vectors, through verify_model and through `python -m modelship_manifest`."""
import json
import os
import subprocess
import sys

import pytest
from manifest_test_paths import PYTHON_DIR
from manifest_vectors import load_vectors, materialise

from modelship_manifest import ManifestError, ModelIntegrityError, cryptography_available, verify_model

VECTORS = load_vectors()
needs_cryptography = pytest.mark.skipif(
    not cryptography_available(), reason="signature vectors need the 'cryptography' package"
)


def _marks(vector):
    uses_signature = "publicKey" in vector["options"] or "signature" in (vector.get("manifest") or {})
    return [needs_cryptography] if uses_signature else []


CASES = [pytest.param(vector, id=vector["name"], marks=_marks(vector)) for vector in VECTORS]


def test_has_the_cases_the_issue_asks_for():
    assert len(VECTORS) >= 25


@pytest.mark.parametrize("vector", CASES)
def test_vector_api(vector, tmp_path):
    paths = materialise(vector, str(tmp_path))
    public_key = None
    if paths["public_key"]:
        with open(paths["public_key"], encoding="utf-8") as handle:
            public_key = handle.read()
    expected = vector["expect"]
    options = vector["options"]
    try:
        report = verify_model(
            paths["manifest"],
            root=None if paths["model"] else paths["root"],
            model=paths["model"],
            algorithm=options.get("algorithm", "strongest"),
            strict=options.get("strict", False),
            public_key=public_key,
        )
    except ManifestError as error:
        outcome = "integrity-failure" if isinstance(error, ModelIntegrityError) else "bad-input"
        assert outcome == expected["outcome"], error.message
        assert error.code == expected["code"]
        if "jsonPath" in expected:
            assert error.json_path == expected["jsonPath"]
        if "issues" in expected:
            assert [[issue.code, issue.path] for issue in error.issues] == expected["issues"]
        for text in expected.get("messageIncludes", []):
            assert text in error.message
        return
    assert expected["outcome"] == "verified"
    if "algorithms" in expected:
        assert report["files"][0]["algorithms"] == expected["algorithms"]
    if "signature" in expected:
        assert report["signature"] == expected["signature"]


@pytest.mark.parametrize("vector", CASES)
def test_vector_cli(vector, tmp_path):
    paths = materialise(vector, str(tmp_path))
    args = [sys.executable, "-m", "modelship_manifest", "verify", paths["manifest"], "--json"]
    args += ["--model", paths["model"]] if paths["model"] else ["--root", paths["root"]]
    if "algorithm" in vector["options"]:
        args += ["--algorithm", vector["options"]["algorithm"]]
    if vector["options"].get("strict"):
        args.append("--strict")
    if paths["public_key"]:
        args += ["--public-key", paths["public_key"]]
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    result = subprocess.run(args, capture_output=True, text=True, env=env)
    expected = vector["expect"]
    assert result.returncode == expected["exitCode"], result.stderr
    output = json.loads(result.stdout)
    if "code" in expected:
        assert output["code"] == expected["code"]
    for text in expected.get("messageIncludes", []):
        assert text in result.stderr
