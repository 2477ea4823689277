"""The binary-sequence workspace (binomial diffusion): rasters of q and p, and the bound K."""
