"""The Entropy-bounds dock: the paper's bounds on the reverse step's entropy, with the model's."""
