"""The Qt-free mask model: interpolated strokes, soft brushes, tools, undo/redo. (It lives
in the Inpaint workspace, so its tests sit with the GUI's; none of them needs Qt.)"""
import sys

import numpy as np
import pytest

from explorer.workspaces.inpaint.mask_model import MaskModel, segment_coverage


def test_mask_model_does_not_need_qt():
    import subprocess
    code = ("import sys; import explorer.workspaces.inpaint.mask_model\n"
            "assert not [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))]")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_a_fast_stroke_is_interpolated_without_gaps():
    m = MaskModel(16, 16)
    m.begin_stroke(1.5, 8.5, size=1, hardness=1)
    m.stroke_to(14.5, 8.5)                       # one mouse move across the whole image
    assert m.end_stroke()
    assert m.missing[8, 1:15].all(), "every pixel along the segment is painted"
    assert m.missing.sum() == 14
    # A diagonal drag covers the pixels on the diagonal.
    d = MaskModel(8, 8)
    d.begin_stroke(0.5, 0.5, size=1, hardness=1)
    d.stroke_to(7.5, 7.5)
    d.end_stroke()
    assert all(d.missing[i, i] for i in range(8))


def test_soft_brush_has_a_halo_that_does_not_count():
    cover = segment_coverage(9, 9, (4.5, 4.5), (4.5, 4.5), size=6, hardness=0.0)
    assert cover[4, 4] == pytest.approx(1.0)
    assert 0 < cover[4, 6] < 1 and cover[4, 8] == 0        # falls off with distance
    m = MaskModel(9, 9)
    m.begin_stroke(4.5, 4.5, size=6, hardness=0.0)
    m.end_stroke()
    halo = (m.alpha > 0) & ~m.missing
    assert halo.any() and m.missing[4, 4]
    hard = MaskModel(9, 9)
    hard.begin_stroke(4.5, 4.5, size=6, hardness=1.0)
    hard.end_stroke()
    assert hard.missing.sum() > m.missing.sum()


def test_painting_is_shown_live_and_committed_as_one_undo_step():
    m = MaskModel(16, 16)
    m.begin_stroke(2.5, 2.5, size=2)
    assert m.painting and m.missing[2, 2]
    m.stroke_to(8.5, 2.5)
    m.stroke_to(8.5, 9.5)
    assert m.end_stroke() and not m.painting
    painted = m.missing.copy()
    assert painted[9, 8] and painted[2, 5]
    assert m.undo() and not m.missing.any()
    assert m.redo() and np.array_equal(m.missing, painted)
    assert not m.redo()


def test_eraser_rectangle_fill_invert_clear_and_undo_chain():
    m = MaskModel(10, 10)
    assert m.rectangle(2.2, 2.2, 7.8, 7.8)              # centres 2.5..7.5 inside
    assert m.missing[2:8, 2:8].all() and m.missing.sum() == 36
    m.begin_stroke(5.0, 5.0, size=2, hardness=1, erase=True)   # a 2×2 hole in the middle
    m.end_stroke()
    assert not m.missing[4:6, 4:6].any() and m.missing.sum() == 32
    assert m.fill(0.5, 0.5)                            # the known outside, not the enclosed hole
    assert m.missing.sum() == 96 and not m.missing[4:6, 4:6].any()
    states = [m.missing.copy()]
    assert m.invert() and m.missing.sum() == 4
    states.append(m.missing.copy())
    assert m.clear() and not m.missing.any()
    assert not m.clear(), "clearing a clear mask is no edit (no extra undo step)"
    assert m.undo() and np.array_equal(m.missing, states[1])
    assert m.undo() and np.array_equal(m.missing, states[0])
    assert m.rectangle(0, 0, 1, 1, erase=True)
    assert not m.can_redo(), "a new edit drops the redo history"


def test_fill_with_eraser_clears_a_connected_region_only():
    m = MaskModel(6, 6)
    m.rectangle(0, 0, 2, 6)          # left two columns
    m.rectangle(4, 0, 6, 6)          # right two columns
    assert m.fill(0.5, 0.5, erase=True)
    assert not m.missing[:, :2].any() and m.missing[:, 4:].all()
    assert not m.fill(-1, 3), "outside the image"


def test_fill_is_four_connected():
    m = MaskModel(3, 3)
    m.set_missing(np.eye(3, dtype=bool))                 # a diagonal: corners touch, edges do not
    assert m.fill(1.5, 0.5)                              # a known pixel beside the diagonal
    assert m.missing[0].all() and m.missing[1, 2] and not m.missing[1, 0] and not m.missing[2, :2].any()
    m.set_missing(np.eye(3, dtype=bool))
    assert m.fill(0.5, 0.5, erase=True)                  # erasing one missing pixel leaves its neighbours
    assert m.missing.sum() == 2 and not m.missing[0, 0]


def test_set_missing_checks_the_size_and_reset_drops_history():
    m = MaskModel(4, 4)
    with pytest.raises(ValueError, match="4×4"):
        m.set_missing(np.ones((3, 4), bool))
    m.set_missing(np.eye(4, dtype=bool))
    assert m.can_undo()
    m.reset(8, 5)
    assert m.shape == (8, 5) and not m.can_undo() and not m.missing.any()


def test_undo_during_a_stroke_cancels_the_stroke():
    m = MaskModel(8, 8)
    m.rectangle(0, 0, 8, 4)
    before = m.alpha.copy()
    m.begin_stroke(4, 6, size=3)
    assert m.undo()                    # cancels the stroke, then undoes the rectangle
    assert not m.missing.any() and not m.painting
    assert m.redo() and np.array_equal(m.alpha, before)


def test_history_is_bounded():
    m = MaskModel(4, 8, history=3)
    for k in range(6):
        assert m.rectangle(k, 0, k + 1, 4)
    undos = 0
    while m.undo():
        undos += 1
    assert undos == 3
