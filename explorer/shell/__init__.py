"""The window's shell pieces: its menus (File, View, Help) and the unsaved-model guard."""
