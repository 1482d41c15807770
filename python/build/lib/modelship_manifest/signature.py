"""ed25519 signature checks over the canonical JSON (needs the optional ``cryptography`` package)."""
from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Dict, Optional

from .canonical import canonical_json
from .errors import ErrorCode, ManifestInputError, ModelIntegrityError

_RAW_KEY = re.compile(r"[A-Za-z0-9+/]{43}=")


def cryptography_available() -> bool:
    try:
        import cryptography.hazmat.primitives.asymmetric.ed25519  # noqa: F401
    except ImportError:
        return False
    return True


def signing_payload(manifest: Dict[str, Any]) -> bytes:
    unsigned = {key: value for key, value in manifest.items() if key != "signature"}
    return canonical_json(unsigned).encode("utf-8")


def _invalid_key(kind: str) -> ManifestInputError:
    return ManifestInputError(
        ErrorCode.INVALID_KEY,
        f"the {kind} key is not an ed25519 key (PEM, or base64 of 32 raw bytes); create one with "
        "`openssl genpkey -algorithm ed25519 -out key.pem`",
    )


def load_public_key(key: str):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text = key.strip()
    try:
        if _RAW_KEY.fullmatch(text):
            return Ed25519PublicKey.from_public_bytes(base64.b64decode(text))
        loaded = serialization.load_pem_public_key(text.encode("utf-8"))
    except (ValueError, TypeError, binascii.Error) as error:
        raise _invalid_key("public") from error
    if not isinstance(loaded, Ed25519PublicKey):
        raise _invalid_key("public")
    return loaded


def verify_manifest_signature(manifest: Dict[str, Any], public_key: Optional[str] = None) -> str:
    """Returns ``verified`` (trusted key), ``self-consistent`` (embedded key only), ``unsigned`` or
    ``skipped`` (signed, no key given, cryptography not installed); raises on a bad signature."""
    signature = manifest.get("signature")
    if signature is None:
        if public_key is None:
            return "unsigned"
        raise ModelIntegrityError(
            [],
            ErrorCode.SIGNATURE_MISSING,
            "a public key was given but the manifest carries no signature; sign it with "
            "`modelship-manifest create --sign-key KEY` or drop --public-key",
        )
    if not cryptography_available():
        if public_key is not None:
            raise ManifestInputError(
                ErrorCode.INVALID_OPTIONS,
                "checking the signature needs the 'cryptography' package: pip install 'modelship-manifest[signatures]'",
            )
        return "skipped"
    from cryptography.exceptions import InvalidSignature

    key = load_public_key(public_key if public_key is not None else signature["publicKey"])
    try:
        key.verify(base64.b64decode(signature["value"]), signing_payload(manifest))
    except (InvalidSignature, ValueError, binascii.Error):
        which = "embedded" if public_key is None else "given"
        raise ModelIntegrityError(
            [],
            ErrorCode.SIGNATURE_INVALID,
            f"the manifest signature does not verify with the {which} public key: the manifest was altered "
            "after signing or signed with another key; do not trust it",
        ) from None
    return "self-consistent" if public_key is None else "verified"
