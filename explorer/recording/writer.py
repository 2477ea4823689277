"""Frames to a GIF or MP4 file on a plain Python thread (imageio: Pillow for GIF, the
imageio-ffmpeg wheel's ffmpeg for MP4), so whoever renders the frames (the GUI thread)
only hands over copied numpy arrays and never waits for an encoder. No Qt and no torch
here. The file is written beside its destination under a hidden temporary name and
renamed over it only when every frame is in: a cancelled or failed recording leaves
nothing behind, and an existing file is never half overwritten."""
from __future__ import annotations

import os
import queue
import secrets
import threading
from pathlib import Path

import numpy as np

FORMATS = (".gif", ".mp4")
MAX_SIDE = 4096          # pixels per side of a frame at most (a 4K frame is ~50 MB of RGB)
MAX_FPS = 60
_END = object()


class WriterError(ValueError):
    pass


def check_request(path: str | os.PathLike, fps: float, size: tuple[int, int]) -> tuple[Path, str]:
    """(path, extension) for a recording, or WriterError with one line saying what is wrong."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise WriterError(f"{path.name}: unknown extension {ext or '(none)'}; use .gif or .mp4")
    if not path.parent.is_dir():
        raise WriterError(f"output folder does not exist: {path.parent}")
    if not 1 <= fps <= MAX_FPS:
        raise WriterError(f"fps must be between 1 and {MAX_FPS}, got {fps:g}")
    w, h = (int(v) for v in size)
    if not (16 <= w <= MAX_SIDE and 16 <= h <= MAX_SIDE):
        raise WriterError(f"size must be between 16 and {MAX_SIDE} pixels per side, got {w} {h}")
    if ext == ".mp4" and (w % 2 or h % 2):     # H.264 in yuv420p halves the colour planes
        raise WriterError(f"an MP4 needs an even width and height, got {w} {h}")
    return path, ext


class FrameWriter:
    """put() frames of (H, W, 3) uint8, then finish() (the file appears) or cancel()."""

    def __init__(self, path: str | os.PathLike, fps: float, size: tuple[int, int]):
        self.path, self.ext = check_request(path, fps, size)
        self.fps, self.size = float(fps), (int(size[0]), int(size[1]))
        self.tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.part{self.ext}")
        # Created here (umask applies, as for any new file), so a bad folder fails at once.
        os.close(os.open(self.tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        self.frames = 0                 # encoded so far
        self.error: str | None = None
        self._queue: queue.Queue = queue.Queue()
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._run, name="frame-writer", daemon=True)
        self._thread.start()

    # ---- the caller's side ---------------------------------------------------------------
    def put(self, frame: np.ndarray) -> None:
        """Queue one frame, (H, W, 3) uint8 that must not change afterwards (pass a copy)."""
        self._check(frame)
        self._queue.put(frame)

    def _check(self, frame: np.ndarray) -> None:
        w, h = self.size
        if frame.shape != (h, w, 3) or frame.dtype != np.uint8:
            raise WriterError(f"frame of shape {frame.shape} {frame.dtype}; expected ({h}, {w}, 3) uint8")

    @property
    def pending(self) -> int:
        """Frames queued and not yet encoded (the recorder waits when this grows)."""
        return self._queue.qsize()

    def finish(self, timeout: float | None = None) -> Path:
        """Wait for the encoder, then move the file into place; WriterError if it failed."""
        self._queue.put(_END)
        self._thread.join(timeout)
        if self._thread.is_alive():
            self.cancel()
            raise WriterError("the encoder did not finish in time")
        if self.error is not None or self.frames == 0:
            self._remove()
            raise WriterError(self.error or "no frames were recorded")
        os.replace(self.tmp, self.path)
        return self.path

    def cancel(self) -> None:
        """Stop encoding and delete the partial file."""
        self._cancelled.set()
        self._queue.put(_END)
        self._thread.join(30)
        self._remove()

    def _remove(self) -> None:
        try:
            self.tmp.unlink()
        except FileNotFoundError:
            pass

    # ---- the encoder thread -----------------------------------------------------------
    def _run(self) -> None:
        out = None
        try:
            out = self._open()
            while True:
                frame = self._queue.get()
                if frame is _END or self._cancelled.is_set():
                    break
                if self.error is None:
                    out.append(frame)
                    self.frames += 1
            out.close()
            out = None
        except Exception as e:          # reported by finish(); the thread must not die silently
            self.error = f"could not write {self.path.name}: {str(e).splitlines()[0] if str(e) else type(e).__name__}"
            self._cancelled.set()
            while self._queue.get() is not _END:      # drain, so put() never piles up
                pass
        finally:
            if out is not None:
                try:
                    out.close()
                except Exception:
                    pass

    def _open(self):
        return _Gif(self.tmp, self.fps) if self.ext == ".gif" else _Mp4(self.tmp, self.fps)


class _Gif:
    """Pillow through imageio; each frame gets its own 256-colour palette as it arrives
    (quantised here, on the encoder thread); Pillow writes the file at close."""

    def __init__(self, path: Path, fps: float):
        import imageio.v3 as iio
        self.file = iio.imopen(path, "w", plugin="pillow", extension=".gif")
        self.duration = 1000.0 / fps        # ms per frame (GIF stores centiseconds)

    def append(self, frame: np.ndarray) -> None:
        self.file.write(frame, is_batch=False, duration=self.duration, loop=0, bits=8)

    def close(self) -> None:
        self.file.close()


class _Mp4:
    """H.264 through the imageio-ffmpeg wheel's own ffmpeg (nothing to install by hand)."""

    def __init__(self, path: Path, fps: float):
        import imageio.v2 as imageio
        # macro_block_size=1: keep the size asked (the check above insists on even sides).
        self.file = imageio.get_writer(path, format="FFMPEG", mode="I", fps=fps, codec="libx264", quality=8,
                                       pixelformat="yuv420p", macro_block_size=1, ffmpeg_log_level="error")

    def append(self, frame: np.ndarray) -> None:
        self.file.append_data(frame)

    def close(self) -> None:
        self.file.close()
