"""One error root for everything under hardware/ (gpiozero exc.py style)."""

from __future__ import annotations


class HardwareError(Exception):
    """Base class for every error raised by hallq's hardware adapters."""


class HardwareConfigError(HardwareError, ValueError):
    """A device configuration cannot work (bad pins, unknown back-end, missing field)."""


class PrinterError(HardwareError, OSError):
    """The ticket printer could not be opened, written or queried."""


class PrinterNotOpenError(PrinterError):
    """An operation needs an open printer; call open() first."""


class EncodeError(HardwareError, ValueError):
    """Text cannot be encoded for the device (unsupported encoding or characters)."""


class DecodeError(HardwareError, ValueError):
    """Bytes are not valid ESC/POS or board frames."""


class BoardError(HardwareError, OSError):
    """The window LED board could not be opened or written."""


class VoiceError(HardwareError, RuntimeError):
    """Speech could not be rendered or played."""


class VoiceToolMissingError(VoiceError, FileNotFoundError):
    """espeak-ng (or the configured player) is not installed."""


class ClipMissingError(VoiceError, LookupError):
    """Clip mode needs a recorded clip that is not in clips_dir."""
