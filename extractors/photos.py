"""Pictures: size, format and a perceptual hash from untrusted bytes, and which of them are the same photo.

Why this shape: a draft's pictures decide whether it passes (too few photos, not HD), and units
send the same photo twice, or an original beside Word's compressed copy of it. So every picture
is read with a format allow-list (never a parser Pillow would guess at), its size from the
header alone, a pixel bomb refused before any pixel is decoded, and a perceptual hash computed
from a small decode (JPEG at 1/8 scale) so that recompressed or resized copies compare equal.
Nothing here raises: a picture that cannot be judged is a `Photo` with `problem` set.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import hashlib
import io
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import replace

import imagehash
import numpy
from PIL import Image, ImageFile, UnidentifiedImageError

from extractors.messages import (
    photo_bomb,
    photo_empty,
    photo_too_many_pixels,
    photo_undecodable,
    photo_unreadable,
    photo_unsupported,
)
from extractors.model import Photo
from rules import Rulebook

# Formats a news photo can reasonably come in; Pillow is never asked to guess beyond these.
_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "GIF", "BMP", "WEBP", "TIFF")
_HEIF_BRANDS: tuple[bytes, ...] = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")

# EXIF orientations that swap width and height when the photo is shown upright.
_SWAPS_SIDES = frozenset({5, 6, 7, 8})
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

_heif_ready = False


def _is_heif(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def _register_heif() -> bool:
    """Register pillow-heif's opener once, only when a HEIF picture actually arrives (its import is slow)."""
    global _heif_ready
    if not _heif_ready:
        try:
            import pillow_heif

            pillow_heif.register_heif_opener()
            _heif_ready = True
        except Exception:  # a broken optional codec must not break the reader
            return False
    return True


def _unsupported_kind(data: bytes) -> str:
    """Name a format we refuse, so the unit reads which picture type to replace."""
    head = data[:512].lstrip()
    if data[:4] == b"\xd7\xcd\xc6\x9a" or data[:6] in (
        b"\x01\x00\x09\x00\x00\x03",
        b"\x02\x00\x09\x00\x00\x03",
    ):
        return "WMF"
    if data[40:44] == b" EMF":
        return "EMF"
    if head.startswith(b"<?xml") or b"<svg" in head:
        return "SVG"
    return "未知"


def _orientation(img: Image.Image) -> int:
    """The EXIF orientation, read from what the header already holds.

    Pillow's PNG `getexif` decodes the whole picture when the eXIf chunk comes after the pixels
    (12000×12000 → 576 MB and seconds); such a PNG is taken as upright rather than decoded.
    """
    if img.format == "PNG" and "exif" not in img.info:
        return 1
    try:
        return int(img.getexif().get(0x0112, 1) or 1)
    except Exception:
        return 1


# Bytes Pillow keeps per pixel for a mode (everything not listed takes four).
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2}


def decode_bytes(img: Image.Image) -> int:
    """Memory the hash decode of `img` takes at its current (possibly drafted) size: the decoded
    picture plus its greyscale copy."""
    width, height = img.size
    grey = 0 if img.mode == "L" else 1
    return width * height * (_BYTES_PER_PIXEL.get(img.mode, 4) + grey)


class DecodeBudget:
    """Pixel memory shared by every picture decoding in the process at one time.

    Why: the reader decodes a draft's photos on a small pool while its own thread helps, and a
    backlog reads two drafts at once, so four large decodes could overlap. Each decode first
    takes its cost from this budget and waits while others hold it; small photos (a phone JPEG
    drafted to 1/8 scale costs ~100 KB) never wait in practice.
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self._free = total
        self._cond = threading.Condition()

    def take(self, cost: int) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._free >= cost)
            self._free -= cost

    def give(self, cost: int) -> None:
        with self._cond:
            self._free += cost
            self._cond.notify_all()


@functools.cache
def decode_budget(total: int) -> DecodeBudget:
    """The process's budget for the rulebook's `limits.max_decode_bytes` (one per value)."""
    return DecodeBudget(total)


def _phash(img: ImageFile.ImageFile, orientation: int, nbytes: int, budget: DecodeBudget) -> str | None:
    """imagehash.phash of the upright picture, decoded as small as the codec allows; None when
    even that would take more than the whole decode budget (the picture is then not hashed)."""
    if img.format in ("JPEG", "MPO"):
        # JPEG decodes at 1/2, 1/4 or 1/8 scale: a 3 MP photo costs a ~50k-pixel decode.
        img.draft("L", (64, 64))
    cost = decode_bytes(img)
    if cost > budget.total:
        return None
    budget.take(cost)
    try:
        return _hash_decoded(img, orientation, nbytes)
    finally:
        if cost >= _TRIM_AFTER_BYTES:
            _release_freed_memory()
        budget.give(cost)


# A decode at least this large is followed by handing freed heap back to the system.
_TRIM_AFTER_BYTES = 16 << 20


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
        return trim
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return None


def _release_freed_memory() -> None:
    """Give the memory of a large decode that has just been freed back to the system.

    Why: glibc keeps freed heap in the arena of the thread that freed it, and each photo thread
    has its own arena; without this, a draft with four 5000×5000 PNGs decoded one after another
    on three threads held all three decodes' memory (peaks of 400 MB under a 128 MB budget).
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _hash_decoded(img: ImageFile.ImageFile, orientation: int, nbytes: int) -> str:
    # The whole picture in one decode call, not one per 64 KiB: each call gives up the GIL and
    # must win it back, and on a busy machine that wait stalls behind the text walk.
    img.decodermaxblock = max(img.decodermaxblock, nbytes)
    img.load()
    small = img.convert("L")
    img.close()  # the full-size decode is freed before the smaller copies are made
    # phash shrinks to 32×32 with Lanczos, whose cost grows with the source; a box reduction to
    # about 64 px on the short side first costs little and changes nothing it can see.
    factor = min(small.size) // 64
    if factor > 1:
        small = small.reduce(factor)
    transpose = _TRANSPOSE.get(orientation)
    if transpose is not None:
        small = small.transpose(transpose)
    return str(phash(small))


@functools.cache
def _dct_matrix(n: int) -> numpy.ndarray:
    """scipy.fftpack's unnormalised DCT-II as a matrix: row i is 2·cos(π·i·(2k+1)/2n)."""
    i = numpy.arange(n)[:, None]
    k = numpy.arange(n)[None, :]
    return 2.0 * numpy.cos(numpy.pi * i * (2 * k + 1) / (2 * n))


def phash(image: Image.Image, hash_size: int = 8, highfreq_factor: int = 4) -> imagehash.ImageHash:
    """`imagehash.phash`, bit for bit, with its 32×32 DCT done as two small matrix products.

    Why not call imagehash.phash: it imports scipy.fftpack for that DCT, which adds ~27 MB to
    every process that reads a draft and a third of `check`'s start-up time. The hash, its hex
    form and `ImageHash` distances are imagehash's own; tests compare both on many pictures.
    """
    size = hash_size * highfreq_factor
    grey = image if image.mode == "L" else image.convert("L")  # convert to its own mode only copies
    pixels = numpy.asarray(grey.resize((size, size), Image.Resampling.LANCZOS), dtype=numpy.float64)
    dct = _dct_matrix(size)
    low = (dct @ pixels @ dct.T)[:hash_size, :hash_size]
    return imagehash.ImageHash(low > _median(low))


def _median(values: numpy.ndarray) -> float:
    """`numpy.median` of finite values (the middle one, or the mean of the middle two), without
    the NaN check that imports `numpy.ma` (~15 ms of a process's first photo)."""
    ordered = numpy.sort(values, axis=None)
    half = ordered.size // 2
    middle: float = ordered[half] if ordered.size % 2 else (ordered[half - 1] + ordered[half]) / 2
    return middle


def analyze_image(key: str, data: bytes, source: str, rulebook: Rulebook) -> Photo:
    """A `Photo` for one picture's bytes: format, upright pixel size, sha256, perceptual hash.

    Never raises. An unsupported format (EMF/WMF/SVG/unknown), a pixel bomb over
    `rulebook.limits.max_image_pixels` or a damaged picture gives a `Photo` with `problem` set,
    so the draft is still judged and the unit is told which picture to replace.
    A picture under the pixel limit whose decode would need more than
    `rulebook.limits.max_decode_bytes` (a 9000×9000 PNG: no codec decodes it smaller) keeps its
    header size and no `phash`: it counts, and copies of it are recognised by their bytes only.
    """
    with warnings.catch_warnings():
        # Pillow warns on odd EXIF, palette transparency and its own global bomb limit: noise
        # here, since the rulebook's limit is applied below and damage becomes `problem`.
        warnings.simplefilter("ignore")
        try:
            return _analyze(key, data, source, rulebook)
        except Exception as exc:  # a codec bug must cost one picture, not the draft
            return Photo(
                key=key,
                source=source,
                size_bytes=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                problem=photo_unreadable(key, exc),
            )


def _analyze(key: str, data: bytes, source: str, rulebook: Rulebook) -> Photo:
    base = Photo(key=key, source=source, size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    if not data:
        return _with(base, problem=photo_empty(key))
    formats = list(_FORMATS)
    if _is_heif(data) and _register_heif():
        formats.append("HEIF")
    limit = rulebook.limits.max_image_pixels
    try:
        img = Image.open(io.BytesIO(data), formats=formats)
    except Image.DecompressionBombError:
        return _with(base, problem=photo_bomb(key, limit))
    except UnidentifiedImageError:
        kind = _unsupported_kind(data)
        return _with(base, problem=photo_unsupported(key, kind))
    except Exception as exc:
        return _with(base, problem=photo_unreadable(key, exc))
    with img:
        # Every limit is read from the header before anything (EXIF included) touches pixels.
        width, height = img.size
        fmt = "JPEG" if img.format == "MPO" else img.format
        if width * height > limit:
            return _with(
                base,
                format=fmt,
                width=width,
                height=height,
                problem=photo_too_many_pixels(key, width, height, limit),
            )
        orientation = _orientation(img)
        if orientation in _SWAPS_SIDES:
            width, height = height, width
        photo = _with(base, format=fmt, width=width, height=height)
        budget = decode_budget(rulebook.limits.max_decode_bytes)
        try:
            return _with(photo, phash=_phash(img, orientation, len(data), budget))
        except Exception as exc:
            return _with(photo, problem=photo_undecodable(key, exc))


def _with(photo: Photo, **changes: object) -> Photo:
    return replace(photo, **changes)  # type: ignore[arg-type]


def phash_distance(a: str, b: str) -> int:
    """Hamming distance between two phash hex strings (0 = the same picture)."""
    return int(imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b))


def _same(a: Photo, b: Photo, max_distance: int) -> bool:
    if a.sha256 and a.sha256 == b.sha256:
        return True
    if a.phash and b.phash:
        try:
            return phash_distance(a.phash, b.phash) <= max_distance
        except Exception:
            return False
    return False


def _larger(a: Photo, b: Photo) -> Photo:
    """The copy to judge a photo by: the one with more pixels (an original beats Word's compressed copy)."""
    if (b.problem is None) != (a.problem is None):
        return a if a.problem is None else b
    return b if b.width * b.height > a.width * a.height else a


def distinct_photos(photos: Sequence[Photo], max_distance: int) -> list[Photo]:
    """The photos that count: identical bytes or a resized/recompressed copy (phash within
    `max_distance`) count once, kept at the larger pixel size, in order of first appearance.

    Photos without a hash (unreadable) are told apart by their bytes only.
    """
    kept: list[Photo] = []
    for photo in photos:
        for i, other in enumerate(kept):
            if _same(photo, other, max_distance):
                kept[i] = _larger(other, photo)
                break
        else:
            kept.append(photo)
    return kept


def is_hd(photo: Photo, rulebook: Rulebook) -> bool:
    """HD per the rulebook (default long side ≥ 1920 and short side ≥ 1080). A picture that could
    not be judged (`problem` set) is not HD: we cannot vouch for pixels we did not read."""
    if photo.problem is not None:
        return False
    images = rulebook.images
    return photo.long_side >= images.hd_long_side and photo.short_side >= images.hd_short_side
