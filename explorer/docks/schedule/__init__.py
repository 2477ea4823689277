"""The Schedule dock: T and the β schedule of the next new model, and the open model's curves."""
