"""Small WAV helpers on the standard library: chime, silence, concatenation, duration."""

from __future__ import annotations

import math
import struct
import wave
from dataclasses import dataclass
from pathlib import Path

from hardware.errors import VoiceError


@dataclass(frozen=True)
class Format:
    rate: int = 22050  # espeak-ng's output format
    channels: int = 1
    width: int = 2  # bytes per sample


def read(path: Path) -> tuple[Format, bytes]:
    with wave.open(str(path), "rb") as wav:
        fmt = Format(wav.getframerate(), wav.getnchannels(), wav.getsampwidth())
        return fmt, wav.readframes(wav.getnframes())


def write(path: Path, fmt: Format, frames: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with wave.open(str(tmp), "wb") as wav:
        wav.setnchannels(fmt.channels)
        wav.setsampwidth(fmt.width)
        wav.setframerate(fmt.rate)
        wav.writeframes(frames)
    tmp.replace(path)  # readers never see half a file
    return path


def duration(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def silence(fmt: Format, seconds: float) -> bytes:
    return b"\x00" * (int(fmt.rate * seconds) * fmt.channels * fmt.width)


def chime(fmt: Format, notes: tuple[float, ...] = (880.0, 698.5), note_s: float = 0.35) -> bytes:
    """A two-note "ding-dong" with a soft decay (16-bit only)."""
    if fmt.width != 2:
        raise VoiceError("chime needs 16-bit audio")
    samples: list[int] = []
    count = int(fmt.rate * note_s)
    for freq in notes:
        for i in range(count):
            envelope = math.exp(-4.0 * i / count) * min(1.0, i / 200)
            value = int(12000 * envelope * math.sin(2 * math.pi * freq * i / fmt.rate))
            samples.extend([value] * fmt.channels)
    return struct.pack(f"<{len(samples)}h", *samples)


def concat(parts: list[Path | bytes], fmt: Format) -> bytes:
    """Join WAV files and raw frames; every WAV must already be in `fmt`."""
    out = bytearray()
    for part in parts:
        if isinstance(part, bytes):
            out += part
            continue
        part_fmt, frames = read(part)
        if part_fmt != fmt:
            raise VoiceError(f"{part.name} is {part_fmt}, expected {fmt}")
        out += frames
    return bytes(out)
