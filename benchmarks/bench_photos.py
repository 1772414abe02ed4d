"""Pictures and conversion: what a photo costs the reader, how far apart phashes fall, what soffice costs.

    python benchmarks/bench_photos.py [--quick]

1. Per camera-like JPEG (1–3 MP, noise texture like a phone photo): time of inflating it from a
   zip and reading its Pillow header (the bare pass's share) vs `analyze_image` (header, sha256,
   1/8-scale decode + phash), printed as a ratio. The decode is bound by JPEG entropy decoding,
   which no scale factor avoids; this is why photo-heavy drafts cost the reader most.
2. Perceptual-hash margins: the smallest Hamming distance between distinct photos and the largest
   between a photo and its resized/recompressed copies, against the rulebook's
   `images.same_photo_max_distance`.
3. LibreOffice: seconds per .doc → .docx conversion (a fresh profile each call, as the reader runs it).

Nothing here asserts: it prints, so a slower machine changes numbers, not the verdict.
"""

from __future__ import annotations

import argparse
import io
import itertools
import statistics
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZES = [(1280, 960), (1600, 1200), (1920, 1080), (2048, 1536)]


def camera_like(seed: int, size: tuple[int, int]) -> bytes:
    """A `make_photo` picture with grain, so the JPEG is as large as a phone photo of that size."""
    from PIL import Image

    from tests.factory import make_photo

    base = Image.open(io.BytesIO(make_photo(*size, seed=seed))).convert("RGB")
    grain = Image.effect_noise(size, 48).convert("RGB")
    buf = io.BytesIO()
    Image.blend(base, grain, 0.35).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _resized(data: bytes, width: int, height: int, quality: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.open(io.BytesIO(data)).resize((width, height), Image.Resampling.BILINEAR).save(
        buf, "JPEG", quality=quality
    )
    return buf.getvalue()


def photo_cost(photos: list[bytes]) -> None:
    from PIL import Image

    from extractors.photos import analyze_image
    from rules import load_rulebook

    rulebook = load_rulebook()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, data in enumerate(photos):
            zf.writestr(f"word/media/image{i}.jpeg", data)
    zf = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    names = zf.namelist()

    def bare() -> None:
        for name in names:
            with Image.open(io.BytesIO(zf.read(name))) as img:
                _ = img.size

    def reader() -> None:
        for name in names:
            analyze_image(name, zf.read(name), "embedded", rulebook)

    bare(), reader()  # warm imports and caches for both
    timings = {}
    for label, fn in (("bare", bare), ("reader", reader)):
        t0 = time.perf_counter()
        fn()
        timings[label] = (time.perf_counter() - t0) / len(names) * 1000
    mb = sum(len(p) for p in photos) / len(photos) / 1048576
    print(f"photos: {len(photos)} camera-like JPEGs, {mb:.2f} MB each on average")
    print(
        f"  inflate + Pillow header: {timings['bare']:.1f} ms/photo; inflate + analyze_image: "
        f"{timings['reader']:.1f} ms/photo; ratio {timings['reader'] / timings['bare']:.2f}x"
    )


def phash_margins(photos: list[bytes]) -> None:
    from extractors.photos import analyze_image, phash_distance
    from rules import load_rulebook

    rulebook = load_rulebook()
    hashes = [analyze_image("o", data, "attached", rulebook).phash or "" for data in photos]
    closest = min(phash_distance(a, b) for a, b in itertools.combinations(hashes, 2))
    farthest = 0
    for data, base in zip(photos, hashes, strict=True):
        for width, height, quality in ((1024, 768, 70), (640, 480, 50), (320, 240, 40)):
            copy = (
                analyze_image("c", _resized(data, width, height, quality), "embedded", rulebook).phash or ""
            )
            farthest = max(farthest, phash_distance(base, copy))
    limit = rulebook.images.same_photo_max_distance
    verdict = "separates" if farthest <= limit < closest else "DOES NOT separate"
    print(
        f"phash: distinct photos >= {closest} apart; resized/recompressed copies <= {farthest} apart; "
        f"rulebook distance {limit} {verdict} them"
    )


def conversion(rounds: int, quick: bool) -> None:
    from extractors.convert import convert, convert_to_docx, soffice_path
    from tests.factory import CORPUS, news_draft

    if soffice_path() is None:
        print("soffice: not installed, conversion not measured")
        return
    samples: dict[str, bytes] = {}
    r11 = CORPUS / "real-docx" / "r11.docm"
    if r11.is_file():
        samples["r11.docm (Word 97, 9 KB)"] = r11.read_bytes()
    if not quick or not samples:
        made = convert(news_draft(3000, photos=4, photo_size=(1600, 1200)), "docx", "doc", 120.0)
        samples["made .doc (3000 字, 4 photos)"] = made
    for label, data in samples.items():
        seconds = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            convert_to_docx(data, "doc", 120.0)
            seconds.append(time.perf_counter() - t0)
        print(
            f"soffice .doc→.docx, {label}: median {statistics.median(seconds):.2f} s over {rounds} "
            f"(min {min(seconds):.2f}, max {max(seconds):.2f})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="3 small photos, one conversion round: proves it runs"
    )
    args = parser.parse_args(argv)
    n, sizes = (3, [(640, 480)]) if args.quick else (24, SIZES)
    photos = [camera_like(1000 + i, sizes[i % len(sizes)]) for i in range(n)]
    photo_cost(photos)
    phash_margins(photos)
    conversion(1 if args.quick else 3, args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
