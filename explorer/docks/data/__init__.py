"""The Data dock: the data set for the next new model (2-D points drawn, loaded or built in;
binary and image sets are built by the engine)."""
