"""The real Algorithmia manifests (spec/manifest/fixtures/algorithmia) and the tampered pair."""
import os
import subprocess
import sys

import pytest
from manifest_test_paths import PYTHON_DIR, SPEC_DIR

from modelship_manifest import ErrorCode, ManifestFormatError, ModelIntegrityError, read_manifest, verify_model

FIXTURES = os.path.join(SPEC_DIR, "fixtures", "algorithmia")


@pytest.mark.parametrize(
    "name, md5",
    [
        ("demo-algorithmiaalgo-model_manifest.json", "5b5056b8ec461a6bab3fe44f0d32feb0"),
        ("demo-githubalgo-model_manifest.json", "58dbe617971e831c922e201ea9f38783"),
        ("tampered-model_manifest.json", "70367caa502a62e043b80cb33f017446"),
    ],
)
def test_real_manifests_parse(name, md5):
    fmt, manifest = read_manifest(os.path.join(FIXTURES, name))
    assert fmt == "algorithmia"
    assert manifest["model_md5_hash"] == md5


def test_unfilled_template_is_rejected_naming_the_field():
    with pytest.raises(ManifestFormatError) as caught:
        read_manifest(os.path.join(FIXTURES, "template-model_manifest.json"))
    assert caught.value.code == ErrorCode.INVALID_FIELD
    assert caught.value.json_path == "model_md5_hash"


def test_tampered_pair_fails_with_both_hashes():
    with pytest.raises(ModelIntegrityError) as caught:
        verify_model(
            os.path.join(FIXTURES, "tampered-model_manifest.json"),
            model=os.path.join(FIXTURES, "tampered-model.pkl"),
        )
    assert caught.value.code == ErrorCode.DIGEST_MISMATCH
    assert "70367caa502a62e043b80cb33f017446" in caught.value.message
    assert "14de79a5198bb80ba4c4f4d82acab740" in caught.value.message


def test_tampered_pair_cli_exits_1_printing_both_hashes():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "modelship_manifest",
            "verify",
            os.path.join(FIXTURES, "tampered-model_manifest.json"),
            "--model",
            os.path.join(FIXTURES, "tampered-model.pkl"),
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=PYTHON_DIR),
    )
    assert result.returncode == 1
    assert "70367caa502a62e043b80cb33f017446" in result.stderr
    assert "14de79a5198bb80ba4c4f4d82acab740" in result.stderr


def test_cli_usage_errors_exit_2():
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    for args in (["verify"], ["verify", "m.json", "--root", "a", "--model", "b"], ["frob"]):
        result = subprocess.run([sys.executable, "-m", "modelship_manifest", *args], capture_output=True, env=env)
        assert result.returncode == 2
