"""Rotations: Euler angles, rotation vectors, angular velocity from rotation histories.

World frame: x forward (initial heading), y left, z up. Segment frame: x anterior, y left,
z along the segment (up when standing). ``R`` maps segment (or device) coordinates to world:
``v_world = R @ v_segment``. Angles in radians.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def rot_x(a: FloatArray) -> FloatArray:
    a = np.asarray(a, dtype=np.float64)
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack(
        [np.stack([o, z, z], -1), np.stack([z, c, -s], -1), np.stack([z, s, c], -1)], -2
    )


def rot_y(a: FloatArray) -> FloatArray:
    a = np.asarray(a, dtype=np.float64)
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack(
        [np.stack([c, z, s], -1), np.stack([z, o, z], -1), np.stack([-s, z, c], -1)], -2
    )


def rot_z(a: FloatArray) -> FloatArray:
    a = np.asarray(a, dtype=np.float64)
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack(
        [np.stack([c, -s, z], -1), np.stack([s, c, z], -1), np.stack([z, z, o], -1)], -2
    )


def euler_zyx(roll: FloatArray, pitch: FloatArray, yaw: FloatArray) -> FloatArray:
    """``Rz(yaw) @ Ry(pitch) @ Rx(roll)``; positive pitch tilts the segment's z axis forward."""
    return rot_z(yaw) @ rot_y(pitch) @ rot_x(roll)


def rotvec_to_matrix(rv: FloatArray) -> FloatArray:
    """Rodrigues: rotation vectors (..., 3) -> matrices (..., 3, 3)."""
    rv = np.asarray(rv, dtype=np.float64)
    theta = np.linalg.norm(rv, axis=-1)[..., None, None]
    safe = np.where(theta > 1e-12, theta, 1.0)
    k = rv / safe[..., 0]
    kx, ky, kz = k[..., 0], k[..., 1], k[..., 2]
    zero = np.zeros_like(kx)
    kmat = np.stack(
        [
            np.stack([zero, -kz, ky], -1),
            np.stack([kz, zero, -kx], -1),
            np.stack([-ky, kx, zero], -1),
        ],
        -2,
    )
    eye = np.broadcast_to(np.eye(3), kmat.shape)
    out = eye + np.sin(theta) * kmat + (1.0 - np.cos(theta)) * (kmat @ kmat)
    return np.where(theta > 1e-12, out, eye)


def matrix_to_rotvec(r: FloatArray) -> FloatArray:
    """Inverse of :func:`rotvec_to_matrix` for rotation angles below π."""
    tr = np.clip((np.trace(r, axis1=-2, axis2=-1) - 1.0) / 2.0, -1.0, 1.0)
    theta = np.arccos(tr)
    v = np.stack(
        [r[..., 2, 1] - r[..., 1, 2], r[..., 0, 2] - r[..., 2, 0], r[..., 1, 0] - r[..., 0, 1]], -1
    )
    s = np.sin(theta)
    scale = np.where(s > 1e-9, theta / (2.0 * np.where(s > 1e-9, s, 1.0)), 0.5)
    return v * scale[..., None]


def body_rate(r: FloatArray, *, fs_hz: float) -> FloatArray:
    """Angular velocity in the rotating (body) frame from a rotation history (n, 3, 3), rad/s.

    Central differences: ω_body = vee(Rᵀ Ṙ), with the skew part taken to stay exact to first order.
    """
    n = r.shape[0]
    if n < 2:
        return np.zeros((n, 3))
    rdot = np.gradient(r, 1.0 / fs_hz, axis=0)
    m = np.swapaxes(r, -1, -2) @ rdot
    skew = 0.5 * (m - np.swapaxes(m, -1, -2))
    return np.stack([skew[:, 2, 1], skew[:, 0, 2], skew[:, 1, 0]], -1)


def random_rotation(rng: np.random.Generator) -> FloatArray:
    """A uniformly random rotation matrix."""
    q = rng.standard_normal(4)
    q /= np.linalg.norm(q)
    w, x, y, z = q
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )
