"""The workspaces, one tab each: points/ (2-D), images/, binary/ and inpaint/, all built on
base.Workspace. Kept free of imports so the Qt-free parts (mask model, geometry, 2-D state)
load without Qt."""
