"""The root of hallq's own exceptions (each subclass also inherits the fitting builtin)."""


class HallqError(Exception):
    """Base of every error hallq raises on purpose."""
