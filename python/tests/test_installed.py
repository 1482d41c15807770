"""The distribution itself: its version follows @modelship/manifest, and the README's one-line check
works from the installed package (CI runs this file against the wheel in a fresh virtual environment)."""
import json
import os
import re
import subprocess
import sys

import pytest
from manifest_test_paths import PYTHON_DIR, SPEC_DIR, TESTING_INSTALLED
from manifest_vectors import load_vectors, materialise

import modelship_manifest

REPO_ROOT = os.path.dirname(os.path.dirname(SPEC_DIR))
VECTORS = {vector["name"]: vector for vector in load_vectors()}


def _pep440(npm_version):
    match = re.fullmatch(r"(\d+\.\d+\.\d+)(?:-(alpha|beta|rc|next)\.(\d+))?", npm_version)
    assert match, f"unexpected npm version {npm_version}"
    release, kind, number = match.groups()
    return release if kind is None else release + {"alpha": "a", "beta": "b", "rc": "rc", "next": "rc"}[kind] + number


def test_version_follows_the_npm_package():
    with open(os.path.join(REPO_ROOT, "packages", "manifest", "package.json"), encoding="utf-8") as handle:
        npm_version = json.load(handle)["version"]
    assert modelship_manifest.__version__ == _pep440(npm_version)


@pytest.mark.skipif(not TESTING_INSTALLED, reason="only against the installed wheel (MODELSHIP_MANIFEST_INSTALLED=1)")
def test_the_installed_package_is_the_one_imported():
    from importlib.metadata import version

    assert not os.path.abspath(modelship_manifest.__file__).startswith(PYTHON_DIR + os.sep)
    assert version("modelship-manifest") == modelship_manifest.__version__


@pytest.mark.parametrize(
    ("name", "exit_code"), [("verified-directory", 0), ("algorithmia-real-tampered", 1), ("malformed-json", 1)]
)
def test_the_one_line_check_from_the_readme(name, exit_code, tmp_path):
    paths = materialise(VECTORS[name], str(tmp_path))
    arguments = f"{paths['manifest']!r}" + (f", model={paths['model']!r}" if paths["model"] else "")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    if not TESTING_INSTALLED:
        env["PYTHONPATH"] = PYTHON_DIR
    result = subprocess.run(
        [sys.executable, "-c", f"from modelship_manifest import verify_model; verify_model({arguments})"],
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
        env=env,
    )
    # An uncaught exception is exit 1 for Python; the check's job is to stop the load.
    assert result.returncode == exit_code, result.stderr
    if exit_code:
        assert "ModelIntegrityError" in result.stderr or "ManifestFormatError" in result.stderr
