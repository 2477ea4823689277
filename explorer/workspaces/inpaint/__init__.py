"""The Inpaint & denoise workspace: paint a mask and sample the posterior of an image model."""
