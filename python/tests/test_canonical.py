"""Canonical JSON and signatures agree with the TypeScript implementation (shared cases)."""
import json
import os
import subprocess
import sys

from manifest_test_paths import PYTHON_DIR, SPEC_DIR

from modelship_manifest import canonical_json


def test_shared_canonical_json_cases():
    with open(os.path.join(SPEC_DIR, "canonical-json.json"), encoding="utf-8") as handle:
        cases = json.load(handle)["cases"]
    for case in cases:
        assert canonical_json(case["input"]) == case["canonical"]


def test_float_forms_match_ecmascript_for_integral_values():
    assert canonical_json({"a": 21.0, "b": 1e3}) == '{"a":21,"b":1000}'


def _run_without_cryptography(args):
    # Makes `import cryptography` fail, as on a machine where it is not installed.
    code = (
        "import sys; sys.modules['cryptography'] = None; "
        "from modelship_manifest.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=PYTHON_DIR),
    )


def test_without_cryptography_a_signed_manifest_verifies_with_a_clear_warning(tmp_path):
    from manifest_vectors import load_vectors, materialise

    vector = next(v for v in load_vectors() if v["name"] == "signed-self-consistent-without-key")
    paths = materialise(vector, str(tmp_path))
    result = _run_without_cryptography(["verify", paths["manifest"]])
    assert result.returncode == 0
    assert "signature was NOT checked" in result.stderr
    assert "cryptography" in result.stderr


def test_without_cryptography_a_required_key_is_bad_input(tmp_path):
    from manifest_vectors import load_vectors, materialise

    vector = next(v for v in load_vectors() if v["name"] == "signed-verified")
    paths = materialise(vector, str(tmp_path))
    result = _run_without_cryptography(["verify", paths["manifest"], "--public-key", paths["public_key"]])
    assert result.returncode == 2
    assert "cryptography" in result.stderr
