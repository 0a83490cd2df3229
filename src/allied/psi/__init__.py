"""Private set intersection for private account mapping (pure: no Django, no app).

ECDH-PSI over ristretto255 from libsodium: ``keys`` turns an account into exact normalised keys,
``group`` holds the two libsodium operations (hash-to-group, exponentiation), ``parallel`` spreads them
over the cores, ``protocol`` has the server (vendor) and client (partner) roles and says what each learns.
"""

from .group import POINT_BYTES, InvalidPoint, decode_points, encode_points, hash_to_point, new_secret
from .keys import account_keys, record_keys
from .protocol import PsiClient, PsiResult, PsiServer, intersect, server_order, sort_points

__all__ = [
    "POINT_BYTES",
    "InvalidPoint",
    "PsiClient",
    "PsiResult",
    "PsiServer",
    "account_keys",
    "decode_points",
    "encode_points",
    "hash_to_point",
    "intersect",
    "new_secret",
    "record_keys",
    "server_order",
    "sort_points",
]
