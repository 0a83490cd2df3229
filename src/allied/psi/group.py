"""The group: ristretto255 from libsodium (through rbcl), and the two operations the protocol needs.

Only libsodium primitives and hashlib are used: ``crypto_core_ristretto255_from_hash`` maps a
64-byte SHA-512 digest to a group element (the hash-to-group of RFC 9496), and
``crypto_scalarmult_ristretto255`` raises an element to a secret scalar. libsodium refuses an
encoding that is not a canonical ristretto255 element, and a result that would be the identity,
so a peer cannot make us exponentiate garbage or a small-order point.

Points travel as their 32-byte encodings, concatenated (``bytes`` of length 32·n): compact to
send, cheap to hand to worker processes, and comparable as plain bytes.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Sequence

import rbcl

POINT_BYTES = 32
SCALAR_BYTES = 32
DOMAIN = b"allied.psi.v1/ristretto255-sha512"


def _forget_library_copy() -> None:
    # rbcl writes its bundled libsodium to a temporary file and loads it from there; once loaded the
    # file is no longer needed, so it is removed rather than left behind by every process.
    name = getattr(getattr(rbcl, "_sodium", None), "_name", None)
    if os.name == "posix" and isinstance(name, str) and os.path.basename(name).startswith("tmp"):
        try:
            os.unlink(name)
        except OSError:
            pass


_forget_library_copy()


class InvalidPoint(ValueError):
    """A message that does not hold valid ristretto255 points."""

    def __init__(self, message: str, *, index: int | None = None):
        super().__init__(message)
        self.index = index

    def __reduce__(self):  # keep the index when a worker process hands the error back
        return (_invalid_point, (str(self), self.index))


def _invalid_point(message: str, index: int | None) -> InvalidPoint:
    return InvalidPoint(message, index=index)


def new_secret() -> bytes:
    """A fresh uniformly random non-zero scalar (libsodium's randombytes)."""
    return rbcl.crypto_core_ristretto255_scalar_random()


def check_secret(secret: bytes) -> bytes:
    if not isinstance(secret, bytes | bytearray) or len(secret) != SCALAR_BYTES:
        raise ValueError(f"a session secret is {SCALAR_BYTES} bytes")
    if rbcl.crypto_core_ristretto255_scalar_reduce(bytes(secret) + bytes(32)) != bytes(secret) or not any(secret):
        raise ValueError("the session secret is not a reduced non-zero scalar")
    return bytes(secret)


def key_digest(key: str) -> bytes:
    """SHA-512 over the domain separator and the key, each length-prefixed (no two inputs collide)."""
    data = key.encode("utf-8")
    return hashlib.sha512(len(DOMAIN).to_bytes(2, "big") + DOMAIN + len(data).to_bytes(4, "big") + data).digest()


def hash_to_point(key: str) -> bytes:
    return rbcl.crypto_core_ristretto255_from_hash(key_digest(key))


def split_points(blob: bytes) -> list[bytes]:
    if len(blob) % POINT_BYTES:
        raise InvalidPoint(f"a points message is a multiple of {POINT_BYTES} bytes; this one has {len(blob)}")
    return [blob[i:i + POINT_BYTES] for i in range(0, len(blob), POINT_BYTES)]


def hash_and_blind(keys: Sequence[str], secret: bytes) -> bytes:
    """H(k)^secret for each key, concatenated in order."""
    from_hash = rbcl.crypto_core_ristretto255_from_hash
    mult = rbcl.crypto_scalarmult_ristretto255
    return b"".join(mult(secret, from_hash(key_digest(k))) for k in keys)


def blind(blob: bytes, secret: bytes, *, first_index: int = 0) -> bytes:
    """P^secret for each point of ``blob``, in order; a point that is not valid raises ``InvalidPoint``."""
    mult = rbcl.crypto_scalarmult_ristretto255
    out = []
    for i in range(0, len(blob) - len(blob) % POINT_BYTES, POINT_BYTES):
        point = blob[i:i + POINT_BYTES]
        try:
            out.append(mult(secret, point))
        except (RuntimeError, ValueError, TypeError):
            index = first_index + i // POINT_BYTES
            raise InvalidPoint(f"point {index} is not a valid ristretto255 element", index=index) from None
    if len(blob) % POINT_BYTES:
        raise InvalidPoint(f"a points message is a multiple of {POINT_BYTES} bytes; this one has {len(blob)}")
    return b"".join(out)


def encode_points(blob: bytes) -> str:
    """Points for JSON: standard base64 of the concatenated encodings."""
    return base64.b64encode(blob).decode("ascii")


def decode_points(text: str) -> bytes:
    """The inverse of ``encode_points``; refuses text that is not base64 of whole 32-byte points."""
    if not isinstance(text, str):
        raise InvalidPoint("points must be a base64 string")
    try:
        blob = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise InvalidPoint("points are not valid base64") from None
    if len(blob) % POINT_BYTES:
        raise InvalidPoint(f"points decode to {len(blob)} bytes, not a multiple of {POINT_BYTES}")
    return blob
