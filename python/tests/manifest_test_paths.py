"""Paths shared by the manifest twin's tests (a distinct module name: other packages' Python test
folders run in the same pytest session and may have their own conftest)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(HERE)
SPEC_DIR = os.path.join(os.path.dirname(PYTHON_DIR), "spec", "manifest")
# CI also runs these tests against the built wheel installed in a fresh virtual environment;
# there the installed package must be the one imported, not this source tree.
TESTING_INSTALLED = os.environ.get("MODELSHIP_MANIFEST_INSTALLED") == "1"
if not TESTING_INSTALLED and PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)
