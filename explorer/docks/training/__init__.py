"""The Training dock: start, pause, resume and stop, with live loss, bound, per-step KL and AIS."""
