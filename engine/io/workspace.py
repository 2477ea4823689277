"""Workspace files: the whole workspace in one HDF5 file (schema_version, no pickle, saved
atomically). What the GUI gathers (the tab, the slider's t, the data set and its args,
each view's ranges, selections, the inpainting image and mask, the window's dock layout
as saveState bytes) is plain values and arrays here; this module only writes and reads
them, and never imports Qt.

The open model is embedded as a copy of its model file (the same layout under /model), so
the workspace is self-contained even when the model was never saved; its file path is
kept too, and is the model's path again on opening when that file still holds the same
weights. Reading validates every dataset's type and shape before it is read, and the
embedded model goes through the model loader's own checks. Every error is one line."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import h5py
import numpy as np

from engine.io.storage import MODEL_KIND, StorageError, atomic_h5, check_links, load_model, open_checked, save_model

WORKSPACE_KIND = "diffusion-explorer/workspace"
WORKSPACE_SCHEMA = 1
MAX_ITEMS = 50_000_000            # values in one view dataset
MAX_MODEL_BYTES = 2 << 30         # what an embedded model may declare
MAX_TEXT = 2000                   # characters in one text attribute

# Every dataset a workspace may hold: (number kinds, ndim, fixed trailing shape). Anything
# else is refused, so a file cannot make the GUI adopt arrays it never wrote.
DATASETS = {
    "views/points/ranges": ("f", 3, (2, 2, 2)),            # forward/reverse × x/y × (lo, hi)
    "views/points/selection_forward": ("iu", 1, ()),
    "views/points/selection_reverse": ("iu", 1, ()),
    "views/points/forward": ("f", 3, (2,)),                 # (T+1, n, 2) standardised
    "views/points/reverse": ("f", 3, (2,)),
    "views/inpaint/image": ("f", 3, ()),                    # (C, H, W) in [0, 1]
    "views/inpaint/alpha": ("f", 2, ()),                    # (H, W) paint cover in [0, 1]
    "data/points": ("f", 2, (2,)),                          # the 2-D set shown (raw units)
    "window/state": ("u", 1, ()),                           # QMainWindow.saveState bytes
}
# Attributes (scalars) by group: name -> type. Unknown attributes are ignored.
ATTRS = {
    "": {"tab": str, "t": int, "model_path": str, "model_saved": bool},
    "data": {"name": str, "noise": float, "n": int, "size": int},
    "views/points": {},
    "views/inpaint": {"task": str, "snr": float, "label": str},
    "views/image": {"size": int, "n": int},      # the Images tab
}


@dataclass
class Workspace:
    """What a workspace file holds, as plain values (the model itself lives in the file)."""
    tab: str = "points"
    t: int = 0
    model_path: str = ""          # the model's own file, if it had one
    model_saved: bool = False     # that file held the open model's weights when saved
    data: dict = field(default_factory=dict)           # name, noise, n, size, points
    views: dict = field(default_factory=dict)          # view -> {name: array or scalar}
    window_state: bytes = b""
    has_model: bool = False       # set on reading: the file embeds a model


# ---- writing -----------------------------------------------------------------------------
def save_workspace(path: str | Path, ws: Workspace, model=None) -> None:
    """Write `ws` and a copy of `model` (a DiffusionModel, or None) to `path`, atomically."""
    try:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "model.h5"
            if model is not None:
                save_model(model, copy)
            with atomic_h5(path) as f:
                f.attrs["kind"] = WORKSPACE_KIND
                f.attrs["schema_version"] = WORKSPACE_SCHEMA
                _attrs(f, {"tab": ws.tab, "t": int(ws.t), "model_path": ws.model_path,
                           "model_saved": bool(ws.model_saved)})
                data = dict(ws.data)
                points = data.pop("points", None)
                _attrs(f.create_group("data"), data)
                if points is not None:
                    _dataset(f, "data/points", points)
                for view, values in ws.views.items():
                    g = f.create_group(f"views/{view}")
                    _attrs(g, {k: v for k, v in values.items() if not isinstance(v, np.ndarray)})
                    for k, v in values.items():
                        if isinstance(v, np.ndarray):
                            _dataset(f, f"views/{view}/{k}", v)
                _dataset(f, "window/state", np.frombuffer(bytes(ws.window_state), dtype=np.uint8))
                if model is not None:
                    with h5py.File(copy, "r") as src:
                        g = f.create_group("model")
                        for k, v in src.attrs.items():
                            g.attrs[k] = v
                        for k in src:
                            src.copy(src[k], g, k)
    except OSError as e:
        raise StorageError(f"could not write {Path(path).name}: {str(e).splitlines()[0]}") from None


def _attrs(g: h5py.Group, values: dict) -> None:
    for k, v in values.items():
        if v is not None:
            g.attrs[k] = v


def _dataset(f: h5py.File, name: str, value: np.ndarray) -> None:
    kinds, _, _ = DATASETS[name]
    a = np.asarray(value)
    if a.dtype.kind == "f":      # in the caller's precision: views float32, the data set float64 (exact)
        a = a.astype(np.float64 if a.dtype == np.float64 else np.float32)
    elif "u" in kinds and a.dtype.kind in "iub" and "i" not in kinds:
        a = a.astype(np.uint8)
    else:
        a = a.astype(np.int64)
    big = a.size > 4096
    f.create_dataset(name, data=a, compression="gzip" if big else None, compression_opts=1 if big else None)


# ---- reading -------------------------------------------------------------------------
def read_workspace(path: str | Path) -> Workspace:
    """Everything but the model, validated; one StorageError line for any damage."""
    name = Path(path).name
    f = _open(path)
    with f:
        try:
            _links(f, "", name)
            for key in _walk_datasets(f):
                if key not in DATASETS:
                    raise StorageError(f"{name} holds an unexpected dataset {key}")
            ws = Workspace(has_model="model" in f)
            top = _read_attrs(f, "", name)
            ws.tab, ws.t = str(top.get("tab", "points")), max(int(top.get("t", 0)), 0)
            ws.model_path, ws.model_saved = str(top.get("model_path", "")), bool(top.get("model_saved", False))
            if "data" in f:
                ws.data = _read_attrs(f["data"], "data", name)
                if "data/points" in f:
                    ws.data["points"] = _array(f, "data/points", name)
            for view in (f["views"] if "views" in f else {}):
                group = f[f"views/{view}"]
                if not isinstance(group, h5py.Group) or f"views/{view}" not in ATTRS:
                    raise StorageError(f"{name} holds an unexpected view {view[:40]}")
                values = _read_attrs(group, f"views/{view}", name)
                for k in group:
                    values[k] = _array(f, f"views/{view}/{k}", name)
                ws.views[view] = values
            if "window/state" in f:
                ws.window_state = _array(f, "window/state", name).astype(np.uint8).tobytes()
        except StorageError:
            raise
        except (KeyError, ValueError, TypeError, OSError, RuntimeError) as e:
            msg = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise StorageError(f"{name} is damaged or incomplete: {msg}") from None
    _check_inpaint(ws.views.get("inpaint"), name)
    return ws


def _open(path: str | Path) -> h5py.File:
    f = open_checked(path, WORKSPACE_KIND)
    if int(f.attrs["schema_version"]) > WORKSPACE_SCHEMA:
        f.close()
        raise StorageError(f"{Path(path).name} is a workspace of schema {int(f.attrs['schema_version'])}; this "
                           f"app reads up to {WORKSPACE_SCHEMA}: please update Diffusion Explorer")
    return f


def _links(g: h5py.Group, where: str, name: str) -> None:
    """No links out of the file, no external storage (storage.check_links), said with the file's name."""
    try:
        check_links(g, where)
    except StorageError as e:
        raise StorageError(f"{name}: {str(e).replace('model files', 'workspace files')}") from None


def _walk_datasets(f: h5py.File):
    """Dataset paths outside the embedded model (validated by the model loader)."""
    found = []

    def visit(name, item):
        if isinstance(item, h5py.Dataset) and not name.startswith("model/"):
            found.append(name)
    f.visititems(visit)
    return found


def _array(f: h5py.File, key: str, name: str) -> np.ndarray:
    kinds, ndim, tail = DATASETS[key]
    ds = f[key]
    if ds.dtype.kind not in kinds or ds.ndim != ndim or (tail and tuple(ds.shape[ndim - len(tail):]) != tail):
        raise StorageError(f"{name}: {key} has type {ds.dtype} and shape {ds.shape}, not what a workspace holds")
    if ds.size > MAX_ITEMS:
        raise StorageError(f"{name}: {key} holds {ds.size:,} values, more than a workspace should")
    a = np.asarray(ds[()])
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise StorageError(f"{name}: {key} contains NaN or infinite values")
    if a.dtype.kind in "iu" and a.size and a.min() < 0:
        raise StorageError(f"{name}: {key} holds negative indices")
    return a


def _read_attrs(g, where: str, name: str) -> dict:
    out = {}
    for k, kind in ATTRS.get(where, {}).items():
        if k not in g.attrs:
            continue
        v = g.attrs[k]
        if kind is str:
            v = v.decode() if isinstance(v, bytes) else v
            if not isinstance(v, str) or len(v) > MAX_TEXT:
                raise StorageError(f"{name}: attribute {where}/{k} is not a short text")
        else:
            if np.ndim(v) != 0 or not isinstance(v, (int, float, bool, np.number, np.bool_)):
                raise StorageError(f"{name}: attribute {where}/{k} is not a number")
            v = kind(v)
            if isinstance(v, float) and not np.isfinite(v):
                raise StorageError(f"{name}: attribute {where}/{k} is not finite")
        out[k] = v
    return out


def _check_inpaint(view: dict | None, name: str) -> None:
    if not view:
        return
    image, alpha = view.get("image"), view.get("alpha")
    if image is not None and (image.shape[0] not in (1, 3) or min(image.shape[1:]) < 1 or max(image.shape[1:]) > 4096):
        raise StorageError(f"{name}: the inpainting image has shape {image.shape}, not (1 or 3, H, W)")
    if alpha is not None and (image is None or alpha.shape != image.shape[1:]):
        raise StorageError(f"{name}: the inpainting mask does not match its image")
    if view.get("task", "inpaint") not in ("inpaint", "denoise"):
        raise StorageError(f"{name}: unknown inpainting task {str(view.get('task'))[:20]!r}")


# ---- the embedded model --------------------------------------------------------------------
def load_workspace_model(path: str | Path, device="cpu"):
    """(model, path): the embedded model, checked by the model loader, and the path to show
    for it: its own file's when that still holds these weights, else "" (unsaved)."""
    name = Path(path).name
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / f"{Path(path).stem} (embedded model).h5"
        with _open(path) as f:
            if "model" not in f or not isinstance(f["model"], h5py.Group):
                raise StorageError(f"{name} holds no model")
            g = f["model"]
            try:
                _links(g, "/model", name)
                size = sum(ds.size * ds.dtype.itemsize for ds in _datasets(g))
            except (KeyError, TypeError, OSError, RuntimeError) as e:
                raise StorageError(f"{name}: the embedded model is damaged: {str(e).splitlines()[0]}") from None
            if size > MAX_MODEL_BYTES:
                raise StorageError(f"{name}: the embedded model declares {size:,} bytes, more than a model has")
            with atomic_h5(copy) as out:
                for k, v in g.attrs.items():
                    out.attrs[k] = v
                for k in g:
                    f.copy(g[k], out, k)
            own = str(f.attrs.get("model_path", "") or "")
            saved = bool(f.attrs.get("model_saved", False))
        model = load_model(copy, device=device)
        keep = own if saved and own and same_weights(copy, own) else ""
    return model, keep


def _datasets(g: h5py.Group) -> list:
    out = []
    g.visititems(lambda _n, item: out.append(item) if isinstance(item, h5py.Dataset) else None)
    return out


def same_weights(a: str | Path, b: str | Path) -> bool:
    """Whether two model files hold the same config, schedule and weights."""
    try:
        with open_checked(a, MODEL_KIND) as fa, open_checked(b, MODEL_KIND) as fb:
            if str(fa.attrs["config"]) != str(fb.attrs["config"]):
                return False
            keys = [n for n in _names(fa) if n.startswith(("weights/", "schedule/"))]
            if keys != [n for n in _names(fb) if n.startswith(("weights/", "schedule/"))]:
                return False
            return all(fa[k].shape == fb[k].shape and np.array_equal(fa[k][()], fb[k][()]) for k in keys)
    except (StorageError, KeyError, OSError, ValueError, TypeError):
        return False


def _names(f: h5py.File) -> list[str]:
    out = []
    f.visititems(lambda n, item: out.append(n) if isinstance(item, h5py.Dataset) else None)
    return sorted(out)
