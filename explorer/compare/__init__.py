"""Compare runs: a second model beside the open one on the one slider (controller.py)."""
