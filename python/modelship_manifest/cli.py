"""``python -m modelship_manifest verify ...``: same flags and exit codes as ``modelship-manifest``."""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import List, Optional

from .errors import ErrorCode, ManifestError, ManifestInputError, ModelIntegrityError
from .verify import VERIFY_ALGORITHMS, verify_model

EXIT_VERIFIED = 0
EXIT_INTEGRITY_FAILURE = 1
EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m modelship_manifest",
        description="Verify a model against its modelship or Algorithmia manifest. "
        "Exit codes: 0 verified, 1 integrity failure, 2 bad input.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="verify a model against a manifest")
    verify.add_argument("manifest")
    target = verify.add_mutually_exclusive_group()
    target.add_argument("--root", help="directory the manifest's paths are relative to")
    target.add_argument("--model", help="local model file for a single-file (e.g. Algorithmia) manifest")
    verify.add_argument("--algorithm", default="strongest", help="|".join(VERIFY_ALGORITHMS))
    verify.add_argument("--public-key", help="trusted ed25519 public key (PEM file or base64 raw key)")
    verify.add_argument("--strict", action="store_true", help="fail on files the manifest does not list")
    verify.add_argument("--json", action="store_true", help="print a JSON report on stdout")
    return parser


def _read_key(value: str) -> str:
    if os.path.exists(value):
        try:
            with open(value, "r", encoding="utf-8") as handle:
                return handle.read()
        except OSError as error:
            raise ManifestInputError(ErrorCode.INVALID_OPTIONS, f"cannot read --public-key {value}: {error}") from error
    if re.fullmatch(r"[A-Za-z0-9+/]{43}=", value):
        return value
    raise ManifestInputError(
        ErrorCode.INVALID_OPTIONS,
        f"--public-key {value} does not exist; pass a PEM file (or base64 of a raw ed25519 public key)",
    )


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)  # usage errors exit 2, like the TypeScript CLI
    try:
        report = verify_model(
            args.manifest,
            root=args.root,
            model=args.model,
            algorithm=args.algorithm,
            strict=args.strict,
            public_key=_read_key(args.public_key) if args.public_key else None,
        )
    except ManifestError as error:
        integrity = isinstance(error, ModelIntegrityError)
        if args.json:
            payload = {"ok": False, "code": error.code, "message": error.message}
            if getattr(error, "json_path", None) is not None:
                payload["jsonPath"] = error.json_path
            if integrity:
                payload["issues"] = [issue.to_json() for issue in error.issues]
            print(json.dumps(payload, indent=2, ensure_ascii=False))
        prefix = "INTEGRITY FAILURE" if integrity else "error"
        print(f"modelship-manifest: {prefix} [{error.code}]: {error.message}", file=sys.stderr)
        return EXIT_INTEGRITY_FAILURE if integrity else EXIT_BAD_INPUT
    if report["signature"] == "skipped":
        print(
            "modelship-manifest: warning: the manifest is signed but the signature was NOT checked: "
            "install 'cryptography' (pip install 'modelship-manifest[signatures]')",
            file=sys.stderr,
        )
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for entry in report["files"]:
            # A sharded file's sha256 was checked shard by shard: there is no whole-file digest to print.
            digests = " ".join(
                f"{name} {entry[name]}" if name in entry else f"{name} ({entry['shards']} shards)"
                for name in entry["algorithms"]
            )
            print(f"ok  {entry['path']}  {digests}")
        signature = "" if report["signature"] == "unsigned" else f", signature {report['signature']}"
        print(f"verified {len(report['files'])} file(s) against {report['manifestPath']}{signature}")
    return EXIT_VERIFIED
