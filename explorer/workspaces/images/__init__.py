"""The Images workspace: reverse samples, x̂₀ and one image diffusing forward."""
