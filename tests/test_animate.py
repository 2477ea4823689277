"""`python main.py animate`: the headless recording command. The written GIF and MP4 are
decoded: as many frames as steps asked, the size asked, and the first and last frames are
the app's own view at those t (drawn here in-process by the same scene, compared with a
tolerance for GIF palettes and H.264). Bad input exits 2 with one line and writes nothing."""
from dataclasses import replace

import imageio.v2 as imageio
import imageio.v3 as iio
import numpy as np
import pytest

from tests.cli_run import cli


def decode(path):
    if str(path).endswith(".gif"):
        return iio.imread(path, index=None)[..., :3]
    return np.stack(imageio.mimread(path, format="FFMPEG", memtest=False))


def view_at(model_path, view, n, seed, size, ts):
    """The frames the command should have drawn at `ts`: the same scene, in this process."""
    from explorer.recording import cli as animate
    from explorer.recording.render import frame
    from PySide6.QtWidgets import QApplication
    model, kind = animate._load(str(model_path))
    scene = animate._scene(model, kind, animate._trajectories(model, kind, view, n, seed), view, size)
    out = []
    for t in ts:
        scene.show(t)
        animate.settle(QApplication.instance())
        out.append(frame(scene.widget, size).astype(float))
    scene.widget.close()
    return out


def close_to(a, b, c, tol=2.0):
    """a is near b (mean absolute difference, in 8-bit levels: a GIF's palette or H.264
    moves a few levels) and far nearer b than c."""
    da, dc = np.abs(a - b).mean(), np.abs(a - c).mean()
    return da < tol and da < 0.3 * dc, (da, dc)


@pytest.mark.parametrize("ext", ["gif", "mp4"])
def test_points_animation_decodes_to_the_view(tiny_model_path, tmp_path, ext):
    out = tmp_path / f"roll.{ext}"
    r = cli("animate", "--model", tiny_model_path, "--out", out, "--view", "both", "--direction", "forward",
            "--steps", 6, "--size", 480, 240, "--n", 400, "--seed", 3, "--fps", 10)
    assert r.returncode == 0, r.stderr
    frames = decode(out)
    assert frames.shape == (6, 240, 480, 3)
    first, last = view_at(tiny_model_path, "both", 400, 3, (480, 240), [0, 10])   # T = 10
    for got, want, other in ((frames[0], first, last), (frames[-1], last, first)):
        ok, d = close_to(got.astype(float), want, other, tol=2.0 if ext == "gif" else 5.0)
        assert ok, d
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]     # no temp file left


def test_reverse_direction_and_t_range(tiny_model_path, tmp_path):
    out = tmp_path / "rev.gif"
    r = cli("animate", "--model", tiny_model_path, "--out", out, "--view", "reverse", "--t-range", 2, 8,
            "--size", 200, 200, "--n", 300)
    assert r.returncode == 0, r.stderr
    frames = decode(out)
    assert frames.shape == (7, 200, 200, 3)       # one frame per step, 8 -> 2
    at8, at2 = view_at(tiny_model_path, "reverse", 300, 0, (200, 200), [8, 2])
    assert close_to(frames[0].astype(float), at8, at2)[0] and close_to(frames[-1].astype(float), at2, at8)[0]


@pytest.fixture(scope="module")
def tiny_binary_and_image(tmp_path_factory):
    """Untrained binary (heartbeat) and image (digits) models, T small: the views only
    need trajectories."""
    import torch
    from engine import presets
    from engine.data.catalogue import build
    from engine.io.storage import save_model
    from engine.training import new_model
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("kinds")
    paths = {}
    for name, cfg, args in (("heartbeat", replace(presets.model_defaults("heartbeat"), T=6), None),
                            ("digits", replace(presets.model_defaults("digits"), T=4,
                                               net={"kind": "multiscale", "channels": 8, "layers": 1, "scales": 2,
                                                    "J": 4, "context": 0}), {"size": 8})):
        model = new_model(cfg, build(name, 200, 0, args), seed=0).model
        paths[name] = folder / f"{name}.h5"
        save_model(model, paths[name])
    return paths


@pytest.mark.parametrize("name", ["heartbeat", "digits"])
def test_binary_rasters_and_image_grids(tiny_binary_and_image, tmp_path, name):
    out = tmp_path / f"{name}.mp4"
    r = cli("animate", "--model", tiny_binary_and_image[name], "--out", out, "--size", 240, 120, "--n", 8)
    assert r.returncode == 0, r.stderr
    T = 6 if name == "heartbeat" else 4
    frames = decode(out)
    assert frames.shape == (2 * T + 1, 120, 240, 3)     # both sides: a bounce, 0 -> T -> 0
    assert np.abs(frames[0].astype(float) - frames[T]).mean() > 1.0      # t = T is not t = 0


BAD = [
    (["--model", "{missing}", "--out", "{tmp}/a.gif"], "no such model"),
    (["--model", "{model}", "--out", "{tmp}/a.avi"], "unknown extension"),
    (["--model", "{model}", "--out", "{model}"], "also an input"),
    (["--model", "{model}", "--out", "{tmp}/a.gif", "--size", "4", "4"], "size"),
    (["--model", "{model}", "--out", "{tmp}/a.gif", "--size", "100000", "300"], "size"),
    (["--model", "{model}", "--out", "{tmp}/a.gif", "--fps", "0"], "fps"),
    (["--model", "{model}", "--out", "{tmp}/a.gif", "--fps", "500"], "fps"),
    (["--model", "{model}", "--out", "{tmp}/a.mp4", "--size", "101", "100"], "even"),
    (["--model", "{model}", "--out", "{tmp}/a.gif", "--steps", "1"], "steps"),
    (["--model", "{model}", "--out", "{tmp}/a.gif", "--t-range", "4", "99"], "range"),
    (["--model", "{model}", "--out", "{tmp}/a.gif", "--view", "sideways"], "view"),
    (["--model", "{model}", "--out", "{tmp}/a.gif", "--n", "0"], "--n"),
    (["--model", "{notmodel}", "--out", "{tmp}/a.gif"], ""),
    (["--model", "{model}", "--out", "{tmp}/nofolder/a.gif"], "folder"),
]


@pytest.mark.parametrize("args,says", BAD)
def test_bad_input_exits_2_with_one_line(tiny_model_path, tmp_path, args, says):
    notmodel = tmp_path / "notes.h5"
    notmodel.write_text("not a model")
    fill = {"model": tiny_model_path, "tmp": tmp_path, "missing": tmp_path / "none.h5", "notmodel": notmodel}
    r = cli("animate", *(a.format(**fill) for a in args))
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and says in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    assert not list(tmp_path.glob("a.*")) and not list(tmp_path.glob(".a.*"))
