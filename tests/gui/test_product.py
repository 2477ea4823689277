"""p·r on the 2-D view (a bump or a painted region multiplies p; the worker samples by the
perturbed mean) and the AIS log p map under the reverse plot."""
import numpy as np
from PySide6.QtCore import Qt

from engine.runtime import protocol as m


def _spy_submits(window):
    sent = []
    submit = window.client.submit

    def spy(cmd):
        sent.append(cmd)
        submit(cmd)
    window.client.submit = spy
    return sent


def _mean_dist(x, centre):
    return float(np.linalg.norm(x - np.asarray(centre), axis=1).mean())


def test_bump_samples_p_times_r_closer_to_the_bump(window, qtbot):
    pc = window.points.product
    assert not pc.panel.shown                      # no r yet: no p·r plot
    sent = _spy_submits(window)
    centre = (1.2, -0.6)
    window.timeline.set_t(3)
    with qtbot.waitSignal(window.client.event, timeout=20000,
                          check_params_cb=lambda ev: isinstance(ev, m.ProductTrajectory)) as got:
        pc.act_bump.setChecked(True)
        pc.press(window.points.view.panels["reverse"].vb, centre, Qt.NoModifier, True)     # a click with the bump tool
    jobs = [c for c in sent if isinstance(c, m.SampleProduct)]
    assert len(jobs) == 1 and jobs[0].bump[:2] == centre and jobs[0].region is None
    ev = got.args[0]
    s = window.points.state
    assert ev.x.shape == (s.T + 1, s.reverse.shape[1], 2) and np.isfinite(ev.x).all()
    assert pc.panel.shown and pc.product is ev.x
    # The p·r plot follows the slider through the whole guided trajectory.
    for t in (3, 0):
        window.timeline.set_t(t)
        x, y = pc.panel.panel.scatter.getData()
        np.testing.assert_array_equal(np.stack([x, y], 1), ev.x[t])
    assert _mean_dist(ev.x[0], centre) < 0.6 * _mean_dist(s.reverse[0], centre)
    # The bump is drawn where it was placed, on both plots.
    cx, cy = pc.panel.r_here.centre.getData()
    assert (cx[0], cy[0]) == centre
    pc.clear_r()
    assert not pc.panel.shown and pc.product is None
    pc.act_bump.setChecked(False)
    assert window.points.view.panels["reverse"].vb.tool is None


def test_moving_the_bump_keeps_only_the_newest(window, qtbot):
    pc = window.points.product
    pc.place_bump(-1.5, 1.0, 0.3)
    pc.place_bump(1.5, -1.0, 0.3)                  # replaces the first before it is shown
    newest = pc.r.version
    qtbot.waitUntil(lambda: pc.product is not None and pc.tag == newest, timeout=20000)
    assert _mean_dist(pc.product[0], (1.5, -1.0)) < _mean_dist(pc.product[0], (-1.5, 1.0))
    pc.clear_r()


def test_painted_region_pulls_samples_into_it(window, qtbot):
    pc = window.points.product
    pc.act_paint.setChecked(True)
    vb = pc.panel.vb
    pc.sigma.setValue(0.5)
    for i, x in enumerate(np.linspace(0.5, 2.0, 6)):       # a stroke; sampling when it ends
        pc.press(vb, (x, 0.0), Qt.NoModifier, i == 5)
    assert pc.r.bump is None and pc.r.region.any()
    qtbot.waitUntil(lambda: pc.product is not None and pc.tag == pc.r.version, timeout=20000)
    assert pc.panel.r_here.region.isVisible()

    def inside(x):
        return ((x[:, 0] > 0.2) & (x[:, 0] < 2.3) & (np.abs(x[:, 1]) < 0.6)).mean()
    assert inside(pc.product[0]) > inside(window.points.state.reverse[0]) + 0.15
    pc.act_paint.setChecked(False)
    pc.clear_r()


def test_log_p_map_paints_in_and_peaks_near_the_data(window, qtbot):
    pc = window.points.product
    maps = []
    window.client.event.connect(lambda ev: maps.append(ev) if isinstance(ev, m.LogDensityMap) else None)
    pc.act_logp.setChecked(True)
    qtbot.waitUntil(lambda: bool(maps) and maps[-1].done == maps[-1].total, timeout=60000)
    v = maps[-1].values
    assert v.shape == (48, 48) and np.isfinite(v).all()
    assert pc.logp.image.isVisible() and pc.logp.bar_shown
    # The densest pixel lies near the data (standardised, as the view shows it), and
    # pixels on the data are more likely than those far from it (the tiny model is blurry).
    from engine.runtime.jobs.product import grid_centres
    centres = grid_centres(48, maps[-1].extent)
    data = window.points.state.forward[0]
    dist = np.linalg.norm(centres.reshape(-1, 1, 2) - data[None], axis=2).min(1).reshape(48, 48)
    assert dist[np.unravel_index(np.argmax(v), v.shape)] < 0.6
    assert np.median(v[dist < 0.15]) > np.median(v[dist > 0.8]) + 3
    # Each pixel sits on its grid point: pixel (i, j) is centre [i, j] in the plot.
    from PySide6.QtCore import QPointF
    for i, j in ((0, 0), (47, 3), (10, 40)):
        p = pc.logp.image.mapToParent(QPointF(i + 0.5, j + 0.5))
        np.testing.assert_allclose([p.x(), p.y()], centres[i, j], atol=1e-6)
    window.timeline.set_t(5)
    assert pc.logp.image.opacity() < 1
    pc.act_logp.setChecked(False)
    assert not pc.logp.image.isVisible() and not pc.logp.bar_shown
