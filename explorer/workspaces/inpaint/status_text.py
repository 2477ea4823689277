"""What the Inpaint & denoise workspace says about a running or finished posterior, and
what RePaint's resampling will cost. Plain functions on engine events (no Qt)."""
from __future__ import annotations

from engine.core.respacing import kept_steps
from engine.core.sampling import resampling_path


def ordinal(k: int) -> str:
    return f"{k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"


def model_steps(T: int, resample: tuple[int, int] | None) -> int:
    """Network evaluations of one full pass: T, or the down-steps of RePaint's path (the
    steps back up only add noise, no network)."""
    if not resample:
        return int(T)
    path = resampling_path(int(T), *resample)
    return sum(1 for a, b in zip(path, path[1:]) if b < a)


def cost_text(T: int, resample: tuple[int, int] | None, seconds_per_step: float | None) -> str:
    if not resample:
        return "off: the paper's sampler (known pixels held by r)"
    steps = model_steps(T, resample)
    when = f", ~{steps * seconds_per_step:.0f} s at the last run's speed" if seconds_per_step else ""
    return f"≈ {steps / max(T, 1):.1f}× the steps ({steps} vs {T}){when}"


def frame_text(ev, resample=None) -> str:
    if ev.phase == "preview":
        steps = len(kept_steps(ev.T, ev.stride))
        return (f"<b>preview</b> (approximate): every {ordinal(ev.stride)} step, {steps} of {ev.T} · "
                f"t = {ev.t}")
    extra = f" + RePaint j {resample[0]} ×{resample[1]}" if resample else ""
    return f"<b>full posterior</b>: all {ev.T} steps{extra} · t = {ev.t}"


def result_text(ev, T: int, more: str, resample=None) -> str:
    n = len(ev.samples)
    if ev.phase == "preview":
        return (f"<b>preview</b>: {n} samples, {ev.steps} of {T} steps in {ev.seconds:.2f} s · {more}")
    what = "known pixels held by r" if ev.task == "inpaint" else f"observed at SNR {ev.snr:g}"
    if resample and ev.task == "inpaint":
        what += f", RePaint j {resample[0]} ×{resample[1]}"
    return f"<b>full posterior</b>: {n} samples, {ev.steps} steps in {ev.seconds:.1f} s · {what}"
