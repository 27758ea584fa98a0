"""The hardware config structs, defined once in :mod:`hallq.config_hardware` (hall.toml decodes
them there, below hardware/); re-exported so hardware code keeps reading its config from here.
"""

from hallq.config_hardware import (
    BoardConfig,
    EvaluatorConfig,
    KeypadConfig,
    Pin,
    Positive,
    PrinterConfig,
    PrinterType,
    TextEncoding,
    VoiceConfig,
)

__all__ = [
    "BoardConfig",
    "EvaluatorConfig",
    "KeypadConfig",
    "Pin",
    "Positive",
    "PrinterConfig",
    "PrinterType",
    "TextEncoding",
    "VoiceConfig",
]
