"""The one error bad user data raises."""


class DataError(ValueError):
    """Bad user data: the message is one line that says what is wrong."""
