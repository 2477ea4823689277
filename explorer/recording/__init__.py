"""Recording views: any animated view to GIF or MP4 while the GUI stays live
(recorder.py: `record(widget, timeline, path, ts, fps, size)`, Recorder, LiveRecorder),
PNG of any view at 2× (render.save_png), the options dialog and progress (dialog.py),
what the window can record (targets.py), the encoder thread (writer.py), and the
headless `animate` command (cli.py, scenes.py). Imports nothing here, so the command can
choose Qt's platform before Qt starts."""
