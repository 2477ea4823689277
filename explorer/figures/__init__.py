"""The seed's figures in one click (Figures menu, explorer/shell/figures_menu.py): what each
figure is and the equation it illustrates (catalogue.py), the window parts a figure acts
on (stage.py), how each is set up (setups.py), opening the model and running the set-up
without blocking the GUI (runner.py), the caption bar with its exports (caption_bar.py),
and PNG at 2× with the equation underneath, or a GIF over t (export.py)."""
