"""The Figures menu: each of the seed's figures from its QAction, on tiny stand-ins for the
bundled models (a folder of swissroll/heartbeat/deadleaves/texture .h5 files): the right
model is opened (or kept), the right tab or dock shows, the figure is set up (a centred
hole, denoising at SNR 1, drift arrows, ...), its equation is shown, and it exports to a
PNG at 2× with the equation underneath and to a GIF whose frames are the steps asked."""
import shutil

import imageio.v3 as iio
import numpy as np
import pytest

from explorer.figures.catalogue import BY_KEY
from explorer.figures.export import gif_available, gif_size
from tests.tiny_models import train_tiny_vectors

from tests.tiny_models import train_tiny

from .conftest import answer_next_question, make_window

# figure -> (tab, data set of the model shown, the model file the figure opens or None: kept)
EXPECT = {
    "swissroll": ("points", "swissroll", None), "bound": ("points", "swissroll", None),
    "heartbeat": ("binary", "heartbeat", "heartbeat.h5"), "deadleaves": ("image", "deadleaves", "deadleaves.h5"),
    "inpaint": ("inpaint", "texture", "texture.h5"), "denoise": ("inpaint", "texture", "texture.h5"),
    "entropy": ("points", "swissroll", None), "schedule": ("points", "swissroll", None),
}


def _tiny_heartbeat(path):
    train_tiny_vectors(path, "heartbeat", 500, 0, 100, family="binomial", T=10,
                       net={"kind": "mlp", "hidden": 16, "layers": 1, "J": 3, "time_input": True},
                       train={"steps": 10, "batch": 64, "eval_every": 10, "eval_points": 100})


@pytest.fixture(scope="module")
def figure_models(tmp_path_factory, tiny_model_path):
    """A folder standing in for assets/models/, with tiny models under the bundled names."""
    folder = tmp_path_factory.mktemp("figure_models")
    shutil.copy(tiny_model_path, folder / "swissroll.h5")
    _tiny_heartbeat(folder / "heartbeat.h5")
    train_tiny(folder / "deadleaves.h5", data="deadleaves", size=16, T=6, steps=4)
    train_tiny(folder / "texture.h5", data="texture", size=16, T=6, steps=4)
    return folder


@pytest.fixture
def win(qtbot, tiny_model_path, figure_models):
    w = make_window(qtbot, tiny_model_path)
    w.figures.folder = figure_models
    yield w
    w.close()


def _open_figure(qtbot, w, key, timeout=30000):
    w.figures.actions[key].trigger()
    qtbot.waitUntil(lambda: w.figures.current is not None and w.figures.current.figure.key == key, timeout=timeout)
    return w.figures.current


@pytest.mark.parametrize("key", list(EXPECT))
def test_each_figure_opens_from_the_menu_and_exports(qtbot, win, figure_models, tmp_path, key):
    tab, data, opened = EXPECT[key]
    before = win.state.model.model_id
    shown = _open_figure(qtbot, win, key)
    fig = BY_KEY[key]
    assert win.tabs.currentWidget() is win.workspaces[tab], key
    assert win.state.model.config["data"] == data
    if opened:
        assert win.state.model.path == str(figure_models / opened) and win.state.model.model_id != before
    else:
        assert win.state.model.model_id == before           # the open model shows it: not reopened
    # The equation shows over the views (and in the menu's bar) while the figure is up.
    assert win.figures.bar.isVisible() and fig.equation in win.figures.bar.label.full_text()
    _check_setup(qtbot, win, key, shown)
    # PNG at twice the view's size, the caption typeset below it.
    png = tmp_path / f"{key}.png"
    assert win.figures.export_png(str(png))
    img = iio.imread(png)
    tw, th = shown.target.width(), shown.target.height()
    assert img.shape[1] == 2 * tw and 2 * th + 40 < img.shape[0] < 2 * th + 400, (img.shape, tw, th)
    assert img[: 2 * th].std() > 3                            # a drawn view, not a blank image
    if not gif_available():
        pytest.skip("explorer/recording/ is not available: PNG only")
    gif = tmp_path / f"{key}.gif"
    rec = win.figures.export_gif(str(gif))
    assert rec is not None
    with qtbot.waitSignal(rec.finished, timeout=60000):
        pass
    frames = iio.imread(gif, index=None)
    w_, h_ = gif_size(shown.animated)
    assert frames.shape[1:3] == (h_, w_)
    # (The GIF encoder merges equal successive frames: count what the recorder handed it.)
    if shown.live is None:                                    # the slider 0 → T → 0, one frame a step
        assert rec.frames == 2 * win.state.T + 1
        if key != "bound":          # the per-step KL does not depend on t: a still
            assert len(frames) > 2
    else:                                                     # a posterior run as it happens
        assert rec.frames >= 2 and len(frames) >= 2


def _check_setup(qtbot, w, key, shown):
    if key == "swissroll":
        paper = w.points.figure
        assert paper is not None and paper.isVisible() and shown.target is paper.graphics
        assert paper.ts == [0, w.state.T // 2, w.state.T]
        assert all(len(a.xData) > 0 for a in paper.arrows.values())        # the drift arrows arrived
        assert BY_KEY[key].equation in paper.caption.text()
    elif key == "bound":
        assert w.training_dock.isVisible() and len(w.training_panel.plots.kl) == w.state.T
    elif key == "heartbeat":
        assert w.binary.forward.shape[0] == w.state.T + 1
    elif key == "deadleaves":
        assert w.images.reverse_x is not None and w.timeline.t == 0
    elif key in ("inpaint", "denoise"):
        ip = w.inpaint
        assert ip.controls.task == key and ip.file is None and ip.image is not None
        if key == "inpaint":
            h, wd = ip.mask.shape
            side = round(min(h, wd) / 3)
            missing = ip.mask.missing
            assert missing.sum() == side * side and missing[h // 2, wd // 2] and not missing[0, 0]
        else:
            assert ip.controls.snr.value() == 1.0
        # The posterior runs for it: a result of the newest request arrives.
        qtbot.waitUntil(lambda: ip.result is not None and ip.result.task == key and ip.result.request == ip.request,
                        timeout=30000)
    elif key == "entropy":
        assert w.entropy_dock.isVisible() and w.entropy_plot.data["model"] is not None
    elif key == "schedule":
        assert w.schedule_dock.isVisible()
        _, y = w.schedule_panel.plot.curves["beta"].getData()
        assert np.allclose(10 ** y, w.state.model.beta[1:])


def test_a_figure_asks_before_replacing_an_unsaved_model(qtbot, win):
    from explorer import settings
    from explorer.shell.unsaved_guard import ASK_KEY
    settings.set_flag(ASK_KEY, True)
    win.guard.unsaved = True                       # as after a training run
    before = win.state.model.model_id
    asked = answer_next_question(qtbot, win.guard, "Cancel")
    assert not win.figures.open("heartbeat")
    assert asked and "heartbeat.h5" in asked[0]
    qtbot.wait(300)
    assert win.state.model.model_id == before and win.figures.current is None
    asked = answer_next_question(qtbot, win.guard, "Discard")
    _open_figure(qtbot, win, "heartbeat")
    assert asked and win.state.model.kind == "binary"


def test_a_missing_bundled_model_is_one_banner_line(qtbot, win, tmp_path):
    win.figures.folder = tmp_path                  # nothing there
    assert not win.figures.open("deadleaves")
    assert "deadleaves.h5" in win.last_error and "pretrain" in win.last_error
    assert win.state.model.kind == "points"
