"""An audiobook's MP4 container, written here: AAC frames copied in, their sample tables, a
QuickTime chapter track and a Nero `chpl`.

The boxes are the ones ffmpeg's `ipod` muxer writes (with `+faststart` and `+bitexact`) for the
same frames and chapters, byte for byte; a test holds the two to that. Written here because
ffmpeg's muxer hands every frame through its threads (8.9 s of a 9.7-hour book's 14.6-s
rewrite) and keeps an index entry per frame (145 MB for that book, growing with its length).
This reads the parts twice, once for their frames' sizes and once to copy them, and holds some
12 bytes a frame while it lays out the tables (a rebuild of that book peaks at 69 MB in all).
"""

from __future__ import annotations

import struct
import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate
from pathlib import Path
from typing import BinaryIO

from narrate.audio.aac import AAC_FRAME_SAMPLES, M4B_SAMPLE_RATE, AdtsRun
from narrate.names import clip_utf8

TIMESCALE = M4B_SAMPLE_RATE
"""The movie's and both tracks' time scale."""

MAX_CHUNK_BYTES = 1 << 20
"""ffmpeg's chunking: consecutive frames share a chunk while it stays under 1 MiB."""

CHPL_MAX_CHAPTERS = 255
"""`chpl` counts its chapters in one byte; the chapter track holds them all."""

CHPL_MAX_TITLE_BYTES = 255
"""`chpl` gives a title's length in one byte: a longer title is cut between characters (cut
inside one, mutagen refuses the whole file), in both tracks."""

LARGE = 1 << 32
"""Offsets and sizes from here on need 64 bits (`co64`, a 64-bit `mdat` header)."""

_SAMPLE_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000)


def write_audiobook(
    output: Path,
    runs: Callable[[], Iterable[AdtsRun]],
    chapters: Sequence[tuple[str, int, int]],
    language: str,
) -> None:
    """Write an M4B of the AAC frames in `runs()`, called twice (once for the frames' sizes,
    once to copy them) and giving the same frames each time, with `chapters`, (title, start ms,
    end ms) one after another from 0, and the audio track's ISO 639-2 `language`. ValueError for
    frames that are not one AAC stream at 44.1 kHz, or that changed between the two calls."""
    _check_chapters(chapters)
    sizes = array("H")  # payloads under 8,191 bytes: two bytes a frame
    config: bytes | None = None
    opening = array("H")  # the first frames' lengths, for ffmpeg's estimate of the bit rate
    for run in runs():
        if not run.lengths:
            continue
        if config is None:
            config = _stream_config(run.data)
        elif _stream_config(run.data) != config:
            raise ValueError("AAC frames of different kinds in one audiobook")
        opening.extend(run.lengths[: _RATE_FRAMES - len(opening)])
        header = run.header_bytes
        sizes.extend(length - header for length in run.lengths)
    if config is None:
        raise ValueError("no AAC frames for the audiobook")
    if _sample_rate(config) != TIMESCALE:
        raise ValueError(f"AAC at {_sample_rate(config)} Hz, not {TIMESCALE}")
    chapters = [
        (clip_utf8(title, CHPL_MAX_TITLE_BYTES), start, end) for title, start, end in chapters
    ]
    texts = [_chapter_sample(title) for title, _, _ in chapters]
    layout = _Layout(sizes, texts, _estimated_rate(opening))
    with open(output, "wb") as file:
        file.write(_ftyp())
        for piece in _moov(layout, config, chapters, language):
            if isinstance(piece, _Table32):
                piece.write_to(file)
            else:
                file.write(piece)
        file.write(layout.mdat_header())
        file.write(b"".join(texts))
        _copy_payloads(file, runs(), sizes)


def iso639_code(language: str) -> int:
    """The packed 15-bit language of an `mdhd` box, as ffmpeg packs it: three lowercase letters,
    'und' for none, 0x7FFF (unspecified) for anything else."""
    letters = (language or "und").encode("latin-1", "replace")
    if len(letters) < 3 or any(not 0x60 <= c <= 0x7F for c in letters[:3]):
        return 0x7FFF
    code = 0
    for c in letters[:3]:
        code = code << 5 | (c - 0x60)
    return code


class _Layout:
    """Where everything goes: the audio's chunks (ffmpeg's rule) and the offsets the sample
    tables point to, once the `moov` before them has its size."""

    def __init__(self, sizes: array[int], texts: Sequence[bytes], estimated_rate: int) -> None:
        self.sizes = sizes
        self.estimated_rate = estimated_rate
        self.texts = texts
        self.text_bytes = sum(len(text) for text in texts)
        self.audio_bytes = sum(sizes)
        self.chunk_samples, self.chunk_starts = _chunks(sizes, self.audio_bytes)
        self.wide = 8 + self.text_bytes + self.audio_bytes >= LARGE  # the mdat's size

    def mdat_header(self) -> bytes:
        payload = self.text_bytes + self.audio_bytes
        if self.wide:  # ffmpeg's `free` placeholder becomes the 64-bit size
            return struct.pack(">I4sQ", 1, b"mdat", payload + 16)
        return _box(b"free", b"") + struct.pack(">I4s", payload + 8, b"mdat")

    def offsets(self, moov_size: int) -> tuple[int, list[int]]:
        """The text chunk's offset and the audio chunks' offsets."""
        text = len(_ftyp()) + moov_size + 16
        audio = text + self.text_bytes
        return text, [audio + start for start in self.chunk_starts]


def _chunks(sizes: array[int], total: int) -> tuple[list[int], list[int]]:
    """Samples per chunk and each chunk's byte offset in the audio (`total` bytes): a frame
    joins the chunk before it while the chunk stays under MAX_CHUNK_BYTES (found by bisection
    of the running totals, not frame by frame)."""
    # ends[i]: bytes before frame i (four bytes each unless the audio passes 4 GiB)
    ends = array("I" if total < 1 << 32 else "q", accumulate(sizes, initial=0))
    counts: list[int] = []
    starts: list[int] = []
    first = 0
    while first < len(sizes):
        # the first frame whose end reaches the limit starts the next chunk (a frame alone
        # past the limit is a chunk of its own)
        after = max(first + 1, bisect_left(ends, ends[first] + MAX_CHUNK_BYTES, first + 1) - 1)
        counts.append(after - first)
        starts.append(ends[first])
        first = after
    return counts, starts


def _moov(
    layout: _Layout, config: bytes, chapters: Sequence[tuple[str, int, int]], language: str
) -> _Pieces:
    # The moov's size decides the offsets, and 64-bit offsets its size: try 32 bits first.
    size = _length(_moov_box(layout, config, chapters, language, 0, wide=False))
    wide = layout.offsets(size)[1][-1] >= LARGE
    if wide:
        size = _length(_moov_box(layout, config, chapters, language, 0, wide=True))
    return _moov_box(layout, config, chapters, language, size, wide)


def _moov_box(
    layout: _Layout,
    config: bytes,
    chapters: Sequence[tuple[str, int, int]],
    language: str,
    moov_size: int,
    wide: bool,
) -> _Pieces:
    text_offset, audio_offsets = layout.offsets(moov_size)
    audio_duration = len(layout.sizes) * AAC_FRAME_SAMPLES
    ends = [_ticks(end) for _, _, end in chapters]
    text_durations = [end - start for start, end in zip([0, *ends], ends, strict=False)]
    text_duration = ends[-1]
    audio_table = _container(
        b"stbl",
        _stsd_mp4a(config, layout, audio_duration),
        _full(b"stts", struct.pack(">III", 1, len(layout.sizes), AAC_FRAME_SAMPLES)),
        _stsc(layout.chunk_samples),
        _stsz(layout.sizes),
        _chunk_offsets(audio_offsets, wide),
        _ROLL_GROUP,
        _full(b"sbgp", b"roll" + struct.pack(">III", 1, len(layout.sizes), 1)),
    )
    audio_track = _container(
        b"trak",
        _tkhd(1, audio_duration, enabled=True),
        _edts(audio_duration),
        _box(b"tref", _box(b"chap", struct.pack(">I", 2))),
        _container(
            b"mdia",
            _mdhd(audio_duration, iso639_code(language)),
            _hdlr(b"soun", b"SoundHandler"),
            _container(b"minf", _SMHD, _DINF, audio_table),
        ),
    )
    text_table = _container(
        b"stbl",
        _TEXT_STSD,
        _stts(text_durations),
        _stsc([len(chapters)]),
        _stsz(array("I", [len(text) for text in layout.texts])),
        _chunk_offsets([text_offset], wide),
    )
    text_track = _container(
        b"trak",
        _tkhd(2, text_duration, enabled=False),
        _edts(text_duration),
        _container(
            b"mdia",
            _mdhd(text_duration, 0),
            _hdlr(b"text", b"SubtitleHandler"),
            _container(b"minf", _GMHD, _DINF, text_table),
        ),
    )
    mvhd = _full(
        b"mvhd",
        struct.pack(">IIII", 0, 0, TIMESCALE, audio_duration)
        + struct.pack(">IH", 0x00010000, 0x0100)
        + bytes(10)
        + _MATRIX
        + bytes(24)
        + struct.pack(">I", 3),
    )
    udta = _box(b"udta", _EMPTY_META + _chpl(chapters))
    return _container(b"moov", mvhd, audio_track, text_track, udta)


def _copy_payloads(file: BinaryIO, runs: Iterable[AdtsRun], sizes: array[int]) -> None:
    """The frames' raw AAC, without their ADTS headers, checked against the first reading."""
    done = 0
    for run in runs:
        if not run.lengths:
            continue
        header, count = run.header_bytes, len(run.lengths)
        if array("H", (length - header for length in run.lengths)) != sizes[done : done + count]:
            raise ValueError("the audiobook's AAC frames changed while it was written")
        data, at, payloads = run.data, 0, []
        for length in run.lengths:
            if data[at] != 0xFF:  # a frame's sync byte, where the first reading found it
                raise ValueError("the audiobook's AAC frames changed while it was written")
            payloads.append(data[at + header : at + length])
            at += length
        file.write(b"".join(payloads))
        done += count
    if done != len(sizes):
        raise ValueError("the audiobook's AAC frames changed while it was written")


_RATE_FRAMES = 50


def _estimated_rate(lengths: array[int]) -> int:
    """The bit rate ffmpeg's ADTS parser reports for a stream when its muxer starts: a running
    average, in integers, over the first 50 frames (headers included)."""
    rate = 0
    for seen, length in enumerate(lengths[:_RATE_FRAMES], start=1):
        change = length * 8 * TIMESCALE // AAC_FRAME_SAMPLES - rate
        step = abs(change) // seen  # C's division, toward zero
        rate += step if change >= 0 else -step
    return rate


def _stream_config(frame: bytes) -> bytes:
    """The AudioSpecificConfig (object type, rate, channels) of an ADTS frame's stream."""
    if frame[6] & 0x03:
        raise ValueError("ADTS frames holding several AAC frames each")
    object_type = (frame[2] >> 6) + 1
    rate_index = (frame[2] >> 2) & 0x0F
    channels = ((frame[2] & 0x01) << 2) | (frame[3] >> 6)
    if rate_index >= len(_SAMPLE_RATES):
        raise ValueError("an ADTS frame of no known sample rate")
    return struct.pack(">H", object_type << 11 | rate_index << 7 | channels << 3)


def _sample_rate(config: bytes) -> int:
    return _SAMPLE_RATES[(struct.unpack(">H", config)[0] >> 7) & 0x0F]


def _check_chapters(chapters: Sequence[tuple[str, int, int]]) -> None:
    if not chapters:
        raise ValueError("an audiobook needs at least one chapter")
    position = 0
    for title, start, end in chapters:
        if start != position or end <= start:
            raise ValueError(f"chapter {title!r} at {start}-{end} ms does not start at {position}")
        position = end


def _ticks(ms: int) -> int:
    """Milliseconds at the time scale, rounded half up as ffmpeg rescales."""
    return (ms * TIMESCALE + 500) // 1000


def _chapter_sample(title: str) -> bytes:
    # QuickTime text: its length, the UTF-8 title, and an `encd` box saying UTF-8 (as ffmpeg)
    data = title.encode("utf-8")
    return struct.pack(">H", len(data)) + data + _box(b"encd", struct.pack(">I", 0x100))


def _chpl(chapters: Sequence[tuple[str, int, int]]) -> bytes:
    listed = chapters[:CHPL_MAX_CHAPTERS]
    body = struct.pack(">IIB", 0x01000000, 0, len(listed))
    for title, start, _ in listed:
        data = title.encode("utf-8")
        body += struct.pack(">QB", start * 10_000, len(data)) + data
    return _box(b"chpl", body)


class _Table32:
    """A table of 32-bit big-endian numbers kept as the array it came from (two bytes a frame)
    and written a slice at a time: never copied whole, nor into the boxes around it."""

    def __init__(self, values: array[int]) -> None:
        self.values = values

    def __len__(self) -> int:
        return 4 * len(self.values)

    def write_to(self, file: BinaryIO) -> None:
        step = 1 << 16
        for start in range(0, len(self.values), step):
            table = array("I", self.values[start : start + step])
            if table.itemsize != 4:
                raise AssertionError("array('I') is not 32-bit here")
            if sys.byteorder == "little":
                table.byteswap()  # boxes are big-endian
            file.write(table.tobytes())


_Pieces = list["bytes | _Table32"]
"""A box as the pieces it is written in."""


def _container(kind: bytes, *children: bytes | _Table32 | _Pieces) -> _Pieces:
    pieces: _Pieces = []
    for child in children:
        if isinstance(child, list):
            pieces.extend(child)
        else:
            pieces.append(child)
    return [struct.pack(">I4s", 8 + _length(pieces), kind), *pieces]


def _length(pieces: _Pieces) -> int:
    return sum(len(piece) for piece in pieces)


def _box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(body), kind) + body


def _full(kind: bytes, body: bytes, version: int = 0) -> bytes:
    return _box(kind, struct.pack(">I", version << 24) + body)


def _ftyp() -> bytes:
    return _box(b"ftyp", b"M4B " + struct.pack(">I", 0x200) + b"M4B isomiso2")


def _tkhd(track: int, duration: int, enabled: bool) -> bytes:
    flags = 3 if enabled else 2
    body = struct.pack(">IIIII", 0, 0, track, 0, duration) + bytes(8)
    body += struct.pack(">HHHH", 0, 1 if enabled else 0, 0x0100 if enabled else 0, 0)
    body += _MATRIX + struct.pack(">II", 0, 0)
    return _box(b"tkhd", struct.pack(">I", flags) + body)


def _edts(duration: int) -> bytes:
    return _box(b"edts", _full(b"elst", struct.pack(">IIiI", 1, duration, 0, 0x00010000)))


def _mdhd(duration: int, language: int) -> bytes:
    return _full(b"mdhd", struct.pack(">IIIIHH", 0, 0, TIMESCALE, duration, language, 0))


def _hdlr(kind: bytes, name: bytes) -> bytes:
    return _full(b"hdlr", bytes(4) + kind + bytes(12) + name + b"\0")


def _stsd_mp4a(config: bytes, layout: _Layout, duration: int) -> bytes:
    # ffmpeg's bit rates: the track's average, and as the maximum the larger of that and the
    # rate its ADTS parser estimated from the stream's start
    bit_rate = layout.audio_bytes * 8 * TIMESCALE // duration
    max_rate = max(bit_rate, layout.estimated_rate)
    decoder_specific = _descriptor(0x05, config)
    decoder_config = _descriptor(
        0x04, struct.pack(">BBBHII", 0x40, 0x15, 0, 0, max_rate, bit_rate) + decoder_specific
    )
    es = _descriptor(0x03, struct.pack(">HB", 1, 0) + decoder_config + _descriptor(0x06, b"\x02"))
    channels = (struct.unpack(">H", config)[0] >> 3) & 0x0F
    entry = bytes(6) + struct.pack(">H", 1) + bytes(8)
    entry += struct.pack(">HHHHI", channels, 16, 0, 0, TIMESCALE << 16)
    entry += _full(b"esds", es)
    return _full(b"stsd", struct.pack(">I", 1) + _box(b"mp4a", entry))


def _descriptor(tag: int, body: bytes) -> bytes:
    # ffmpeg writes every length in four bytes (0x80 0x80 0x80 len)
    return struct.pack(">BBBBB", tag, 0x80, 0x80, 0x80, len(body)) + body


def _stts(durations: Sequence[int]) -> bytes:
    runs: list[list[int]] = []
    for duration in durations:
        if runs and runs[-1][1] == duration:
            runs[-1][0] += 1
        else:
            runs.append([1, duration])
    table = b"".join(struct.pack(">II", *run) for run in runs)
    return _full(b"stts", struct.pack(">I", len(runs)) + table)


def _stsc(samples_per_chunk: Sequence[int]) -> bytes:
    entries = []
    previous = -1
    for number, count in enumerate(samples_per_chunk, start=1):
        if count != previous:
            entries.append(struct.pack(">III", number, count, 1))
            previous = count
    return _full(b"stsc", struct.pack(">I", len(entries)) + b"".join(entries))


def _stsz(sizes: array[int]) -> bytes | _Pieces:
    if len(set(sizes[:2])) == 1 and all(size == sizes[0] for size in sizes):
        return _full(b"stsz", struct.pack(">II", sizes[0], len(sizes)))  # ffmpeg: one size
    return _container(b"stsz", struct.pack(">III", 0, 0, len(sizes)), _Table32(sizes))


def _chunk_offsets(offsets: Sequence[int], wide: bool) -> bytes:
    if wide:
        return _full(b"co64", struct.pack(f">I{len(offsets)}Q", len(offsets), *offsets))
    return _full(b"stco", struct.pack(f">I{len(offsets)}I", len(offsets), *offsets))


_MATRIX = struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)
_SMHD = _full(b"smhd", bytes(4))
_DINF = _box(b"dinf", _full(b"dref", struct.pack(">I", 1) + _box(b"url ", struct.pack(">I", 1))))
_ROLL_GROUP = _full(b"sgpd", b"roll" + struct.pack(">IIh", 2, 1, -1), version=1)
# The chapter track's fixed boxes, as ffmpeg writes them (a QuickTime text track: its
# media header, and a sample description with default style and one font)
_GMHD = _box(
    b"gmhd",
    _full(b"gmin", bytes.fromhex("004080008000800000000000"))
    + _box(b"text", bytes.fromhex("00010000" + "00" * 12 + "00010000" + "00" * 12 + "40000000")),
)
_TEXT_STSD = _full(
    b"stsd",
    struct.pack(">I", 1)
    + _box(
        b"text",
        bytes.fromhex(
            "0000000000000001000000010000000000000000000000000000000000000001000000000000"
        )
        + _box(b"ftab", bytes.fromhex("0001000100")),
    ),
)
_EMPTY_META = _full(b"meta", _full(b"hdlr", bytes(4) + b"mdirappl" + bytes(9)) + _box(b"ilst", b""))
