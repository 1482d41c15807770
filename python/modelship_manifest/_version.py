# Written by scripts/sync-python-version.mjs from @modelship/manifest's package.json; do not edit.
__version__ = "0.0.0"
