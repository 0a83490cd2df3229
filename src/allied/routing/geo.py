"""Great-circle distances.

The engine computes distances from unit vectors: two points at chord length ``c`` on the unit
sphere are ``2·R·asin(c/2)`` apart, which is exactly the haversine formula (``c/2 = sqrt(hav θ)``)
and needs one ``sqrt`` and one ``asin`` per pair instead of four trigonometric calls, because the
sines and cosines of each point are computed once (``unit_vectors``).
"""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees (the textbook formula)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y, z of each point on the unit sphere (NaN where the coordinates are unknown)."""
    phi, lam = np.radians(lat), np.radians(lon)
    cos_phi = np.cos(phi)
    return cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)


def chord_km(dx: np.ndarray, dy: np.ndarray, dz: np.ndarray) -> np.ndarray:
    """Great-circle km from the differences of two unit vectors (NaN stays NaN)."""
    chord = np.sqrt(dx * dx + dy * dy + dz * dz)
    return (2 * EARTH_RADIUS_KM) * np.arcsin(np.minimum(chord * 0.5, 1.0))
