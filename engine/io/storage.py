"""HDF5 storage for models and trajectories. Weights are datasets, the config a JSON
attribute, every file carries `schema_version`. Loading validates everything and raises
one StorageError with a one-line message. Saves are atomic. No pickle anywhere."""
from __future__ import annotations

import json
import os
import re
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import h5py
import numpy as np
import torch

from engine.model import DiffusionModel, ModelConfig

SCHEMA_VERSION = 2     # 2: image networks are fully convolutional (no fixed-size dense pathway)
MODEL_KIND = "diffusion-explorer/model"
TRAJ_KIND = "diffusion-explorer/trajectory"


class StorageError(ValueError):
    """A file that cannot be used; the message is one line meant for the user."""


class OutdatedModel(StorageError):
    """A model file from an older version that this one cannot run."""


def _read_umask() -> int:
    umask = os.umask(0)   # the only way to read it; done once, at import, before any thread
    os.umask(umask)
    return umask


_FILE_MODE = 0o666 & ~_read_umask()


TEMP_SUFFIX = ".de.tmp"     # our temp files: ".NAME.PID.RANDOM.de.tmp", beside the file they become
_TEMP_NAME = re.compile(r"^\..+\.(\d+)\.[a-z0-9_]+" + re.escape(TEMP_SUFFIX) + "$")
_STARTED = time.time()      # this process's start (near enough: when storage was imported)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:         # not ours to signal (or no such call here): assume it lives
        return True
    return True


def remove_stale_temps(folder: str | Path) -> int:
    """Delete our temp files in `folder` that no live save can own: their process is gone
    (a save killed half-way), or it is this process's number but older than this process.
    Returns how many went. Called before each save, so a kill leaves at most one behind
    until the next save to that folder."""
    gone = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for e in entries:
        m = _TEMP_NAME.match(e.name)
        if not m or not e.is_file(follow_symlinks=False):
            continue
        pid = int(m.group(1))
        try:
            stale = not _alive(pid) if pid != os.getpid() else e.stat().st_mtime < _STARTED
            if stale:
                os.unlink(e.path)
                gone += 1
        except OSError:
            pass            # raced with another cleaner, or not ours to remove
    return gone


@contextmanager
def atomic_h5(path: str | Path):
    """Open a temp HDF5 file beside `path`; rename it over `path` only if all went well.
    A process killed mid-save leaves `path` as it was and a temp file that the next save to
    the folder removes (remove_stale_temps)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise StorageError(f"folder does not exist: {folder}")
    remove_stale_temps(folder)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=folder)
    os.close(fd)
    try:
        with h5py.File(tmp, "w") as f:
            f.attrs["schema_version"] = SCHEMA_VERSION
            yield f
        os.chmod(tmp, _FILE_MODE)   # mkstemp makes 0600; a saved model should read like any file
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def open_checked(path: str | Path, kind: str) -> h5py.File:
    """Open an HDF5 file this app wrote, of this kind, for reading; one-line errors."""
    path = Path(path)
    if not path.is_file():
        raise StorageError(f"no such file: {path}")
    try:
        f = h5py.File(path, "r")
    except OSError:
        raise StorageError(f"{path.name} is not a readable HDF5 file (corrupt or truncated?)") from None
    try:
        found = f.attrs.get("kind", None)
        version = f.attrs.get("schema_version", None)
        if found is None or version is None:
            raise StorageError(f"{path.name} is an HDF5 file, but not one this app wrote")
        if str(found) != kind:
            raise StorageError(f"{path.name} holds a {str(found)[:60]}, not a {kind.split('/')[-1]}")
        if np.ndim(version) != 0 or not np.issubdtype(np.asarray(version).dtype, np.integer):
            raise StorageError(f"{path.name} has a damaged schema_version")
        if int(version) > SCHEMA_VERSION:
            raise StorageError(f"{path.name} has schema version {int(version)}; this app reads up to "
                               f"{SCHEMA_VERSION}: please update Diffusion Explorer")
    except Exception:
        f.close()
        raise
    return f


# ---- models ----------------------------------------------------------------------------
def save_model(model: DiffusionModel, path: str | Path) -> None:
    with atomic_h5(path) as f:
        f.attrs["kind"] = MODEL_KIND
        f.attrs["config"] = model.config.to_json()
        f.attrs["step"] = model.step
        f.create_dataset("schedule/betas", data=model.schedule.arrays().beta[1:])
        f.create_dataset("data/mean", data=model.data_mean)
        f.create_dataset("data/std", data=model.data_std)
        if model.heldout is not None:
            f.create_dataset("data/heldout", data=model.heldout)
        for name, tensor in _state(model).items():
            f.create_dataset(f"weights/{name}", data=tensor.detach().cpu().numpy())
        for key, values in model.history.items():
            f.create_dataset(f"history/{key}", data=np.asarray(values, dtype=np.float64))
        if model.optimizer_state is not None:
            _save_optimizer(f.create_group("optimizer"), model.optimizer_state)


def _state(model: DiffusionModel) -> dict[str, torch.Tensor]:
    state = {f"net.{k}": v for k, v in model.net.state_dict().items()}
    state.update({f"schedule.{k}": v for k, v in model.schedule.state_dict().items()})
    return state


def _outdated(name: str, text: str) -> None:
    """Schema-1 image models had a dense pathway tied to 16×16 pixels: say so in one line."""
    try:
        raw = json.loads(text)
        dense = isinstance(raw, dict) and isinstance(raw.get("net"), dict) and "dense" in raw["net"]
    except ValueError:
        return
    if dense:
        raise OutdatedModel(f"{name} is a fixed-size image model from an older version; retrain it "
                            f"(python main.py pretrain, or train --data {str(raw.get('data'))[:40]})")


def _read(ds, name: str, shape=None, max_items: int = 50_000_000) -> np.ndarray:
    """A dataset's values, after checking its shape (when given) and size, so a file
    cannot make us allocate what its header declares; floats must be finite."""
    if not isinstance(ds, h5py.Dataset):
        raise StorageError(f"{name} is not a dataset")
    if shape is not None and tuple(ds.shape) != tuple(shape):
        raise StorageError(f"{name} has shape {tuple(ds.shape)}, expected {tuple(shape)}")
    if ds.size > max_items:
        raise StorageError(f"{name} holds {ds.size:,} values, more than a model file should")
    if ds.dtype.kind not in "fiub":
        raise StorageError(f"{name} has type {ds.dtype}, not numbers")
    a = np.asarray(ds[()])
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise StorageError(f"{name} contains NaN or infinite values")
    return a


def check_links(group: h5py.Group, where: str = "") -> None:
    """Refuse anything that would make us open another file or read outside this one:
    external and soft links, external storage, virtual datasets. A model file is data,
    never a pointer elsewhere (a link to a named pipe would hang the reader)."""
    for key in group:
        link = group.get(key, getlink=True)
        path = f"{where}/{key}"
        if not isinstance(link, h5py.HardLink):
            raise StorageError(f"{path} is a link to elsewhere; model files hold their own data")
        item = group[key]
        if isinstance(item, h5py.Group):
            check_links(item, path)
        elif item.is_virtual or item.external:
            raise StorageError(f"{path} keeps its data outside the file")


def load_model(path: str | Path, device="cpu") -> DiffusionModel:
    name = Path(path).name
    with open_checked(path, MODEL_KIND) as f:
        try:
            check_links(f)
            _outdated(name, str(f.attrs["config"]))
            config = ModelConfig.from_json(str(f.attrs["config"]))
            stat = (config.shape[0], 1, 1) if len(config.shape) == 3 else tuple(config.shape)
            model = DiffusionModel(config, _read(f["data/mean"], "data/mean", stat),
                                   _read(f["data/std"], "data/std", stat))
            expected = _state(model)
            weights = {k: torch.from_numpy(_read(v, f"weight {k}", tuple(expected[k].shape) if k in expected else None))
                       for k, v in _walk(f["weights"])}
            _load_state(model, weights)
            model.step = int(f.attrs.get("step", 0))
            model.history = {k: list(_read(f["history"][k], f"history/{k}", max_items=10_000_000).astype(float))
                             for k in f["history"]}
            if "data/heldout" in f:
                held = f["data/heldout"]
                if tuple(held.shape[1:]) != tuple(config.shape):
                    raise StorageError(f"data/heldout has shape {held.shape}, the model's data are {config.shape}")
                model.heldout = _read(held, "data/heldout").astype(np.float64)
            if "optimizer" in f:
                model.optimizer_state = _load_optimizer(f["optimizer"], expected)
        except OutdatedModel:
            raise
        except (KeyError, ValueError, TypeError, OSError, RuntimeError) as e:
            msg = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise StorageError(f"{name} is damaged or incomplete: {msg}") from None
    if model.data_mean.shape != model.data_std.shape or not (model.data_std > 0).all():
        raise StorageError(f"{name} is damaged: bad data standardisation")
    return model.to(device)


def _members(group: h5py.Group) -> list:
    """(name, item) pairs, read at once: h5py's items() iterator holds its global lock
    between items, so abandoning it on an error (a NaN weight) would leave every other
    thread's h5py call waiting until the generator is collected."""
    return list(group.items())


def _walk(group, prefix=""):
    for k, v in _members(group):
        if isinstance(v, h5py.Group):
            yield from _walk(v, f"{prefix}{k}/")
        else:
            yield prefix + k, v


def _load_state(model: DiffusionModel, weights: dict[str, torch.Tensor]) -> None:
    expected = _state(model)
    missing = sorted(set(expected) - set(weights))
    if missing:
        raise StorageError(f"weights missing: {', '.join(missing[:3])}")
    for k, v in weights.items():
        if k not in expected:
            raise StorageError(f"unexpected weight {k}")
        if tuple(v.shape) != tuple(expected[k].shape):
            raise StorageError(f"weight {k} has shape {tuple(v.shape)}, expected {tuple(expected[k].shape)}")
        if v.is_floating_point() and not torch.isfinite(v).all():
            raise StorageError(f"weight {k} contains NaN or infinite values")
    model.net.load_state_dict({k[4:]: v for k, v in weights.items() if k.startswith("net.")})
    model.schedule.load_state_dict({k[9:]: v for k, v in weights.items() if k.startswith("schedule.")})


def _save_optimizer(g: h5py.Group, state: dict) -> None:
    g.attrs["param_groups"] = json.dumps(state["param_groups"])
    for idx, slots in state["state"].items():
        for key, value in slots.items():
            g.create_dataset(f"state/{idx}/{key}", data=torch.as_tensor(value).cpu().numpy())


def _load_optimizer(g: h5py.Group, weights: dict) -> dict:
    """Adam's moments, each no bigger than the largest weight (checked before reading)."""
    state, biggest = {}, max((int(w.numel()) for w in weights.values()), default=1)
    if "state" in g:
        if len(g["state"]) > len(weights) + 1:
            raise StorageError("optimizer state has more entries than the model has weights")
        for idx, slots in _members(g["state"]):
            state[int(idx)] = {k: torch.from_numpy(_read(v, f"optimizer/{idx}/{k}", max_items=biggest))
                               for k, v in _members(slots)}
    groups = json.loads(str(g.attrs["param_groups"]))
    if not isinstance(groups, list):
        raise StorageError("optimizer param_groups is not a list")
    return {"state": state, "param_groups": groups}


# ---- trajectories ----------------------------------------------------------------------
def save_trajectory(path: str | Path, name: str, data: np.ndarray, data_mean, data_std, **extra) -> None:
    """One trajectory dataset (`forward` or `reverse`, (T+1, n, ...)) plus extra datasets."""
    with atomic_h5(path) as f:
        f.attrs["kind"] = TRAJ_KIND
        f.attrs["data_mean"] = np.asarray(data_mean, dtype=np.float64)
        f.attrs["data_std"] = np.asarray(data_std, dtype=np.float64)
        f.create_dataset(name, data=np.asarray(data, dtype=np.float32), compression="gzip", compression_opts=1)
        for k, v in extra.items():
            f.create_dataset(k, data=np.asarray(v))


@contextmanager
def trajectory_writer(path: str | Path, name: str, shape: tuple, data_mean, data_std, rows: int | None = None):
    """Write a (T+1, n, ...) trajectory as it is produced: yields put(t, x, start=0), which
    writes rows start..start+len(x) of step t. Chunked by step and by `rows` samples (the
    writer's batch), so each put of a batch fills whole chunks and memory holds one batch of
    one step, not the whole trajectory; atomic like every save."""
    with atomic_h5(path) as f:
        f.attrs["kind"] = TRAJ_KIND
        f.attrs["data_mean"] = np.asarray(data_mean, dtype=np.float64)
        f.attrs["data_std"] = np.asarray(data_std, dtype=np.float64)
        per_chunk = max(1, min(int(rows or shape[1]), shape[1]))
        d = f.create_dataset(name, shape=tuple(shape), dtype=np.float32, chunks=(1, per_chunk, *shape[2:]),
                             compression="gzip", compression_opts=1)

        def put(t: int, x: np.ndarray, start: int = 0) -> None:
            d[int(t), start:start + len(x)] = np.asarray(x, dtype=np.float32)

        yield put


def load_trajectory(path: str | Path, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A (T+1, n, ...) trajectory and the standardisation it was written with. Its size is
    checked against the memory budget before it is read (a header can declare any size);
    the values must be finite."""
    from engine.io.budget import memory_limit

    fname = Path(path).name
    with open_checked(path, TRAJ_KIND) as f:
        try:
            check_links(f)
            if name not in f:
                raise StorageError(f"{fname} has no dataset {name!r}")
            ds = f[name]
            if not isinstance(ds, h5py.Dataset) or ds.ndim < 3:
                raise StorageError(f"{fname}: {name} is not a (T+1, n, ...) trajectory")
            x = _read(ds, name, max_items=memory_limit() // 8)
            mean, std = (np.asarray(f.attrs[k], dtype=np.float64) for k in ("data_mean", "data_std"))
        except StorageError as e:
            raise StorageError(f"{fname}: {e}" if not str(e).startswith(fname) else str(e)) from None
        except (KeyError, OSError, ValueError, TypeError, RuntimeError) as e:
            msg = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise StorageError(f"{fname} is damaged: {msg}") from None
    if mean.shape != std.shape or not (np.isfinite(mean).all() and np.isfinite(std).all() and (std > 0).all()):
        raise StorageError(f"{fname} is damaged: bad data standardisation")
    return x, mean, std
