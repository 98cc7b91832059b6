"""Where to draw each node of a graph: a force-directed layout (Fruchterman and Reingold, 1991) that
starts from a fixed spiral, so the same graph is always drawn the same way. Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
ITERATIONS = 300
GRAVITY = 0.05
"""Pull towards the centre: keeps components that share nothing from drifting to the edges."""
GAP = 0.045
"""The least distance between two nodes, as a share of the square's side, so that labels stay apart..."""
LABEL_WIDTH = 5.0
"""...and that many times more side by side: a label is far wider than it is high."""


def force_layout(
    *, nodes: Sequence[str], edges: Sequence[tuple[str, str]], iterations: int = ITERATIONS
) -> dict[str, tuple[float, float]]:
    """Each node's position in the unit square: linked nodes near each other, the others apart."""
    count = len(nodes)
    if count <= 1:
        return dict.fromkeys(nodes, (0.5, 0.5))
    index = {node: i for i, node in enumerate(nodes)}
    steps = np.arange(count, dtype=float)
    radius = 0.5 * np.sqrt((steps + 0.5) / count)
    position = np.stack(
        [radius * np.cos(steps * GOLDEN_ANGLE), radius * np.sin(steps * GOLDEN_ANGLE)], axis=1
    )
    pairs = np.array([(index[a], index[b]) for a, b in edges if a != b], dtype=int).reshape(-1, 2)
    ideal = math.sqrt(1.0 / count)
    temperature = 0.1
    for _ in range(iterations):
        delta = position[:, None, :] - position[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=2), 1e-4)
        np.fill_diagonal(distance, np.inf)
        move = (delta * (ideal**2 / distance**2)[:, :, None]).sum(axis=1)
        if len(pairs):
            pull = position[pairs[:, 0]] - position[pairs[:, 1]]
            length = np.maximum(np.linalg.norm(pull, axis=1), 1e-4)
            pull = pull * (length / ideal)[:, None]
            np.add.at(move, pairs[:, 0], -pull)
            np.add.at(move, pairs[:, 1], pull)
        move -= position * GRAVITY * count
        size = np.maximum(np.linalg.norm(move, axis=1), 1e-9)
        position += move * (np.minimum(size, temperature) / size)[:, None]
        temperature *= 0.985
    spiral = np.stack([np.cos(steps * GOLDEN_ANGLE), np.sin(steps * GOLDEN_ANGLE)], axis=1)
    wide = np.array([1 / LABEL_WIDTH, 1.0])
    placed = _fit(_spread((_fit(position) + spiral * GAP / 10) * wide) / wide)
    return {node: (float(placed[i, 0]), float(placed[i, 1])) for node, i in index.items()}


def _fit(position: np.ndarray) -> np.ndarray:
    """Scaled into the unit square, centred, keeping the proportions."""
    low, high = position.min(axis=0), position.max(axis=0)
    span = float(max((high - low).max(), 1e-9))
    fitted: np.ndarray = (position - low) / span + (1 - (high - low) / span) / 2
    return fitted


def _spread(position: np.ndarray, *, rounds: int = 100) -> np.ndarray:
    """Nodes closer than ``GAP`` pushed apart: nodes with the same neighbours land on one spot otherwise."""
    for _ in range(rounds):
        delta = position[:, None, :] - position[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=2), 1e-9)
        np.fill_diagonal(distance, np.inf)
        overlap = np.clip(GAP - distance, 0, None)
        if not overlap.any():
            break
        position = position + (delta * (overlap / distance / 2)[:, :, None]).sum(axis=1)
    return position
