"""Which step t each frame of a recording shows (no Qt). A recording runs from one t to
another (forward, 0 → T: the data dissolving; reverse, T → 0: the model denoising), or
there and back ("bounce"); `steps` frames spread evenly along the way (default: one per
step), so the first frame is at the start and the last at the end (the start again for a
bounce, whose turn at the far end is always a frame). More frames than steps repeat steps
(slow motion); a GIF then merges equal neighbours into one longer frame (Pillow does)."""
from __future__ import annotations

import numpy as np

DIRECTIONS = ("forward", "reverse", "bounce")
MAX_FRAMES = 2000


def frame_ts(T: int, direction: str = "forward", steps: int | None = None,
             t_range: tuple[int, int] | None = None) -> list[int]:
    """The t of each frame. t_range (lo, hi) within 0..T (default the whole of it);
    forward runs lo → hi, reverse hi → lo, bounce lo → hi → lo."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
    lo, hi = (0, int(T)) if t_range is None else (int(t_range[0]), int(t_range[1]))
    if not 0 <= lo < hi <= T:
        raise ValueError(f"the t range must satisfy 0 ≤ from < to ≤ T = {T}, got {lo} {hi}")
    span = hi - lo
    length = 2 * span if direction == "bounce" else span     # steps along the way
    n = length + 1 if steps is None else int(steps)
    least = 3 if direction == "bounce" else 2       # a bounce shows its start, turn and end
    if not least <= n <= MAX_FRAMES:
        raise ValueError(f"steps (frames) must be between {least} and {MAX_FRAMES}, got {n}")
    if direction == "bounce":       # up to hi (the turn is always a frame), then back to lo
        up = (n + 1) // 2
        ts = np.concatenate([np.linspace(lo, hi, up), np.linspace(hi, lo, n - up + 1)[1:]])
    else:
        ts = np.linspace(lo, hi, n) if direction == "forward" else np.linspace(hi, lo, n)
    return [int(t) for t in np.rint(ts)]
