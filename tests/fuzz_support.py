"""A seeded mutation fuzz of the reader over the shared corpus, each case judged in a child process.

Why this shape: the reader promises a `Draft` or a designed refusal for any bytes, within
bounded time and memory. A fixed-seed generator (no Hypothesis database) makes every case
reproducible from `(seed, index)` alone, so a child can build its own cases and the parent only
reads one JSON line per case. Children run with a hard address-space limit and a watchdog, and
each case's peak RSS is measured on its own by resetting the kernel's high-water mark
(`/proc/self/clear_refs`) before it.

    python -m tests.fuzz_support run --seed 11 --start 0 --count 50 --step 1 --corpus PATH

prints one JSON object per case. `run_fuzz` drives several such children and gathers `Case`s;
tests/test_fuzz.py and benchmarks/bench_fuzz.py are its two users.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import faulthandler
import functools
import gc
import io
import json
import os
import random
import re
import resource
import struct
import subprocess
import sys
import time
import traceback
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# A case that raises out of the reader, or whose refusal names an exception class in （…）,
# is a failure: the unit would read Python's words instead of what to do.
EXCEPTION_NAME = re.compile(
    r"（(?:内部错误 )?[A-Za-z_][A-Za-z0-9_.]*(?:Error|Exception|error|Exit|Interrupt)）"
)
HARD_MEMORY_BYTES = 4 << 30  # the child's address-space cap: a safety net, never the measure
CASE_MEMORY_MB = 300  # what the issue allows any single input
CASE_SECONDS = 10.0


@dataclasses.dataclass(frozen=True)
class Case:
    """One fuzz case's outcome: `draft`, `refused` (a designed refusal), `catch-all`, `crash` or
    `timeout`, with its seconds (read + judge) and peak RSS in MB."""

    index: int
    label: str
    outcome: str
    seconds: float = 0.0
    peak_mb: float = 0.0
    detail: str = ""

    @property
    def failed(self) -> bool:
        return (
            self.outcome in ("catch-all", "crash", "timeout")
            or self.seconds > CASE_SECONDS
            or self.peak_mb > CASE_MEMORY_MB
        )


def corpus_sources(corpus: Path) -> list[Path]:
    """The Word packages of the shared corpus the fuzz mutates, in a fixed order."""
    found = [*sorted((corpus / "wild").glob("*.docx")), *sorted((corpus / "real-docx").glob("*.docx"))]
    return [*found, *sorted((corpus / "word-oracle").glob("*.docx"))]


# ---------------------------------------------------------------------------------------------
# building blocks: pictures and XML that stress the reader


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


@functools.cache
def decodable_png(side: int) -> bytes:
    """A real, fully decodable RGB PNG of side×side (a gradient), written row by row so that
    building it costs no picture-sized memory in the child that measures the reader."""
    packer = zlib.compressobj(1)
    parts = []
    for y in range(side):
        shade = y * 255 // max(1, side - 1)
        parts.append(packer.compress(b"\x00" + bytes((shade, 255 - shade, (y * 7) % 256)) * side))
    parts.append(packer.flush())
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")
    )


def odd_pictures() -> list[tuple[str, str, Callable[[], bytes]]]:
    """(label, extension, bytes) of pictures a media part is replaced with."""
    from tests.factory import make_photo, png_header, tiff_header

    return [
        (
            "png 12000² header, eXIf after pixels",
            "png",
            lambda: png_header(12000, 12000, exif_after_pixels=True),
        ),
        ("png 40000² header (Pillow's own bomb)", "png", lambda: png_header(40000, 40000)),
        ("png 9400² header", "png", lambda: png_header(9400, 9400)),
        ("tiff 9000² header", "tiff", lambda: tiff_header(9000, 9000)),
        ("tiff 12000² header", "tiff", lambda: tiff_header(12000, 12000)),
        ("real png 5000²", "png", lambda: decodable_png(5000)),
        ("real png 3600²", "png", lambda: decodable_png(3600)),
        ("truncated jpeg", "jpeg", lambda: make_photo(1600, 1200, seed=3)[:4000]),
        ("emf", "emf", lambda: b"\x01\x00\x00\x00" + bytes(36) + b" EMF" + bytes(64)),
        ("svg", "svg", lambda: b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("empty", "png", lambda: b""),
        ("garbage", "jpeg", lambda: random.Random(5).randbytes(3000)),
        ("gif", "gif", lambda: make_photo(300, 200, seed=9, fmt="GIF")),
    ]


SYMBOL_CODES = (
    "D800",
    "DBFF",
    "DFFF",
    "DC00",
    "0000",
    "110000",
    "FFFFFFFF",
    "F" * 40,
    "9" * 400,
    "-1",
    "zz",
    "",
)


# ---------------------------------------------------------------------------------------------
# mutations: each takes (rng, source bytes) and returns (label, name, bytes)


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def _rezip(members: Sequence[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, content in members:
            zf.writestr(zipfile.ZipInfo(name, (2021, 3, 12, 0, 0, 0)), content, compression)
    return buf.getvalue()


def _main_part(members: Sequence[tuple[zipfile.ZipInfo, bytes]]) -> str:
    names = [i.filename for i, _ in members]
    return "word/document.xml" if "word/document.xml" in names else names[0]


def _with_part(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The package rebuilt with `change(name, content)` applied to every member (None drops it)."""
    out = []
    for info, content in _members(data):
        new = change(info.filename, content)
        if new is not None:
            out.append((info.filename, new))
    return _rezip(out)


def m_flip(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    raw = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        raw[rng.randrange(len(raw))] = rng.randrange(256)
    return "byte flips", bytes(raw)


def m_flip_member(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """Damage inside one member's compressed data, the central directory intact (zlib.error)."""
    raw = bytearray(data)
    heads = [m.start() for m in re.finditer(b"PK\x03\x04", data)]
    at = rng.choice(heads)
    name_len, extra_len = struct.unpack_from("<HH", raw, at + 26)
    start = at + 30 + name_len + extra_len
    size = struct.unpack_from("<I", raw, at + 18)[0] or 64
    for _ in range(rng.randint(1, 8)):
        pos = start + rng.randrange(max(1, min(size, len(raw) - start)))
        if pos < len(raw):
            raw[pos] ^= 1 << rng.randrange(8)
    return "flips inside a compressed member", bytes(raw)


def m_truncate(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    return "truncated", data[: rng.randrange(len(data))]


def m_zip_drop(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    members = _members(data)
    gone = rng.choice(members)[0].filename
    return f"zip without {gone}", _rezip([(i.filename, c) for i, c in members if i.filename != gone])


def m_zip_garbage(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    members = _members(data)
    victim = rng.choice(members)[0].filename
    junk = rng.randbytes(rng.choice([0, 1, 17, 4096]))
    return f"zip with {victim} garbage", _rezip(
        [(i.filename, junk if i.filename == victim else c) for i, c in members]
    )


def m_zip_odd(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    members = [(i.filename, c) for i, c in _members(data)]
    how = rng.choice(["stored", "duplicate", "odd names", "backslashes"])
    if how == "stored":
        return "zip stored", _rezip(members, zipfile.ZIP_STORED)
    if how == "duplicate":
        name, _ = rng.choice(members)
        return "zip duplicate member", _rezip([*members, (name, b"<x/>")])
    if how == "odd names":
        return "zip odd member names", _rezip(
            [*members, ("word/media/\u202e\ufffe名\U0001f600.png", b"\x89PNG")]
        )
    return "zip backslash names", _rezip([(n.replace("/", "\\"), c) for n, c in members])


def m_sym(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    code = rng.choice(SYMBOL_CODES)
    sym = f'<w:r><w:sym w:font="Symbol" w:char="{code}"/></w:r>'.encode()
    main = _main_part(_members(data))

    def change(name: str, content: bytes) -> bytes:
        if name != main:
            return content
        spots = [m.end() for m in re.finditer(rb"<w:p[ >]", content)] or [len(content)]
        at = rng.choice(spots)
        close = content.find(b">", at - 1) + 1
        return content[:close] + sym * rng.randint(1, 3) + content[close:]

    return f"w:sym {code[:12]}", _with_part(data, change)


def m_utf16_doctype(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    encoding = rng.choice(["utf-16-le", "utf-16-be", "utf-32-le"])
    main = _main_part(_members(data))

    def change(name: str, content: bytes) -> bytes:
        if name != main:
            return content
        text = content.decode("utf-8", "replace")
        text = re.sub(r"^<\?xml[^>]*\?>", "", text.lstrip("\ufeff"))
        declared = "UTF-32" if encoding.startswith("utf-32") else "UTF-16"
        doctype = '<!DOCTYPE w:document [<!ENTITY x "xxxxxxxxxx"><!ENTITY y "&x;&x;&x;&x;">]>'
        return f'<?xml version="1.0" encoding="{declared}"?>{doctype}{text}'.encode(encoding)

    return f"{encoding} DOCTYPE, no BOM", _with_part(data, change)


def m_xml(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    members = _members(data)
    xml_parts = [i.filename for i, _ in members if i.filename.endswith((".xml", ".rels"))] or [
        members[0][0].filename
    ]
    victim = rng.choice(xml_parts)
    how = rng.choice(["cut", "tags", "nest", "attrs", "utf16 plain"])

    def change(name: str, content: bytes) -> bytes:
        if name != victim:
            return content
        if how == "cut":
            return content[: rng.randrange(len(content) + 1)]
        if how == "tags":
            tags = list(set(re.findall(rb"<(/?)([\w:]+)", content)))
            for _ in range(rng.randint(1, 5)):
                if tags:
                    _, tag = rng.choice(tags)
                    content = content.replace(
                        tag, rng.choice([b"w:tbl", b"w:txbxContent", b"mc:Fallback", b"w:r", b"zz"])
                    )
            return content
        if how == "nest":
            depth = rng.choice([100, 255, 300, 3000])
            return content.replace(b"<w:body>", b"<w:body>" + b"<w:sdt>" * depth + b"</w:sdt>" * depth, 1)
        if how == "attrs":
            return re.sub(
                rb'(r:embed|r:id|Target|w:val)="[^"]*"',
                lambda m: m.group(1) + b'="\xc3\xa9\xe2\x80\xae../../x"',
                content,
            )
        return content.decode("utf-8", "replace").encode("utf-16")

    return f"xml {how} in {victim}", _with_part(data, change)


def m_media(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """A media part replaced by an odd picture, or one added with its own relationship."""
    label, ext, build = rng.choice(odd_pictures())
    picture = build()
    members = [(i.filename, c) for i, c in _members(data)]
    media = [n for n, _ in members if n.startswith("word/media/")]
    if media and rng.random() < 0.5:
        victim = rng.choice(media)
        return f"media {label} as {victim}", _rezip([(n, picture if n == victim else c) for n, c in members])
    count = rng.choice([1, 2, 4, 8])
    return f"{count}× added {label}", _add_pictures(
        members, [(f"fuzz{k}.{ext}", picture) for k in range(count)]
    )


def _add_pictures(members: list[tuple[str, bytes]], pictures: list[tuple[str, bytes]]) -> bytes:
    rels_name = "word/_rels/document.xml.rels"
    rels = dict(members).get(rels_name, b"")
    doc = dict(members).get("word/document.xml", b"")
    new_rels = b"".join(
        b'<Relationship Id="rIdFuzz%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/image" Target="media/%s"/>' % (k, name.encode())
        for k, (name, _) in enumerate(pictures)
    )
    blips = b"".join(
        b'<w:p><w:r><w:drawing><a:blip xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="rIdFuzz%d"/>'
        b"</w:drawing></w:r></w:p>" % k
        for k in range(len(pictures))
    )
    out = []
    for name, content in members:
        if name == rels_name and b"</Relationships>" in content:
            content = content.replace(b"</Relationships>", new_rels + b"</Relationships>")
        elif name == "word/document.xml" and b"<w:body>" in content:
            content = content.replace(b"<w:body>", b"<w:body>" + blips, 1)
        out.append((name, content))
    if not rels or not doc:
        return _rezip(out)
    return _rezip([*out, *((f"word/media/{n}", p) for n, p in pictures)])


def m_big_body(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """About 1.7 M characters of body text in ~5 MB of document.xml."""
    from tests.factory import han_text

    para = (
        b"<w:p><w:r><w:t>"
        + ("3月12日上午，" + han_text(1700, seed=rng.randrange(100))).encode()
        + b"</w:t></w:r></w:p>"
    )

    def change(name: str, content: bytes) -> bytes:
        if name != "word/document.xml":
            return content
        return content.replace(b"<w:body>", b"<w:body>" + para * 1000, 1)

    return "1.7 M-character body", _with_part(data, change)


def m_bundle(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """The draft in a zip bundle beside odd photos, names in GBK without the UTF-8 flag."""
    label, ext, build = rng.choice(odd_pictures())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("【即时信息】【湖滨社区】稿件.docx", data)
        zf.writestr(f"照片1.{ext}", build())
        zf.writestr("照片2.jpg", rng.randbytes(64))
    return f"bundle with {label}", buf.getvalue()


MUTATIONS: tuple[tuple[Callable[[random.Random, bytes], tuple[str, bytes]], int], ...] = (
    (m_flip, 12),
    (m_flip_member, 12),
    (m_truncate, 6),
    (m_zip_drop, 6),
    (m_zip_garbage, 6),
    (m_zip_odd, 4),
    (m_sym, 10),
    (m_utf16_doctype, 6),
    (m_xml, 12),
    (m_media, 16),
    (m_big_body, 1),
    (m_bundle, 4),
)
ODD_NAMES = (
    "稿件.docx",
    "【即时信息】【湖滨社区】\ud800稿件.docx",
    "x\x00y.docx",
    "\udcff\udcfe.docx",
    "a" * 300 + ".docx",
)


def make_case(
    seed: int, index: int, sources: Sequence[Path], *, baseline: bool = False
) -> tuple[str, str, bytes]:
    """(label, file name, bytes) of case `index`: the same for the same seed and corpus. A
    `baseline` case is the chosen corpus file unmutated (what the benchmark compares against)."""
    rng = random.Random(seed * 1_000_003 + index)
    source = sources[rng.randrange(len(sources))]
    data = source.read_bytes()
    if baseline:
        return f"{source.name}: unmutated", source.name, data
    name = rng.choice(ODD_NAMES) if rng.random() < 0.1 else source.name
    mutations, weights = zip(*MUTATIONS, strict=True)
    mutate = rng.choices(mutations, weights)[0]
    try:
        label, mutated = mutate(rng, data)
    except (zipfile.BadZipFile, KeyError, IndexError, ValueError, EOFError, zlib.error):
        label, mutated = m_flip(rng, data)  # a source the zip-level mutations cannot open
    return f"{source.name}: {label}", name, mutated


# ---------------------------------------------------------------------------------------------
# the child: read and judge each case, one JSON line per case


@functools.cache
def _libc() -> object | None:
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def _reset_peak() -> None:
    """Start a case's peak at what the process holds now: memory freed by earlier cases is
    handed back first (glibc keeps freed heap otherwise, and each case would inherit the
    last one's high-water mark), then the kernel's high-water mark is reset."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def _peak_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _classify(draft: object) -> tuple[str, str]:
    from extractors.model import ERROR, Draft

    assert isinstance(draft, Draft)
    errors = [f.message for f in draft.findings if f.rule == "format" and f.severity == ERROR]
    named = [m for m in errors if EXCEPTION_NAME.search(m)]
    if named:
        return "catch-all", named[0]
    if not draft.readable:
        return "refused", errors[0] if errors else "unreadable"
    return "draft", ""


def run_child(
    seed: int, start: int, count: int, step: int, corpus: Path, timeout: float, baseline: bool = False
) -> None:
    """Read and judge cases start, start+step, … ; print one JSON line each (and a `begin`
    line before each, so that the parent knows which case a killed child was on)."""
    resource.setrlimit(resource.RLIMIT_AS, (HARD_MEMORY_BYTES, HARD_MEMORY_BYTES))
    from checks.identity import identify
    from checks.judge import judge
    from checks.model import Prior
    from extractors.read import read_bytes
    from rules import load_rulebook

    rulebook = load_rulebook()
    sources = corpus_sources(corpus)
    now = dt.datetime(2021, 3, 12, 15, 0, tzinfo=rulebook.meta.tz)
    prior = Prior(
        1, "塔下社区", now - dt.timedelta(hours=3), "0" * 64, "社区活动", "街道社区开展活动居民志愿服务"
    )
    read_bytes("warm.docx", b"", rulebook)
    for index in range(start, start + count * step, step):
        label, name, data = make_case(seed, index, sources, baseline=baseline)
        # The last case's garbage freed before this one is measured; what survives is the
        # process's own (modules, jieba's dictionary, caches), frozen so that the next collect
        # looks only at what the next case made (a full collect took ~70 ms a case here).
        gc.collect()
        gc.freeze()
        print(json.dumps({"begin": index, "label": label}), flush=True)
        faulthandler.dump_traceback_later(timeout, exit=True)
        _reset_peak()
        t0 = time.perf_counter()
        try:
            draft = read_bytes(name, data, rulebook)
            identity = identify(None, draft, rulebook)
            if identity.content_type is None:
                identity = dataclasses.replace(identity, unit="湖滨社区", content_type="instant")
            judge(draft, identity, rulebook, now, [prior])
            json.dumps(dataclasses.asdict(draft), default=str, ensure_ascii=False).encode("utf-8")
            outcome, detail = _classify(draft)
        except BaseException as exc:  # what the fuzz is looking for
            outcome, detail = "crash", "".join(traceback.format_exception(exc))[-1500:]
        seconds = time.perf_counter() - t0
        faulthandler.cancel_dump_traceback_later()
        row = {"index": index, "label": label, "outcome": outcome, "seconds": seconds, "peak_mb": _peak_mb()}
        print(json.dumps({**row, "detail": detail}, ensure_ascii=False), flush=True)


# ---------------------------------------------------------------------------------------------
# the parent


def _child(seed: int, indices: list[int], corpus: Path, timeout: float, baseline: bool) -> list[Case]:
    """Run `indices` (an arithmetic run) in children, restarting after a case that killed one."""
    cases: list[Case] = []
    todo = list(indices)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    while todo:
        step = todo[1] - todo[0] if len(todo) > 1 else 1
        command = [
            sys.executable, "-m", "tests.fuzz_support", "run", "--seed", str(seed), "--start", str(todo[0]),
            "--count", str(len(todo)), "--step", str(step), "--corpus", str(corpus), "--timeout", str(timeout),
            *(["--baseline"] if baseline else []),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
        begun: dict[str, object] | None = None
        for line in done.stdout.splitlines():
            row = json.loads(line)
            if "begin" in row:
                begun = row
                continue
            begun = None
            cases.append(
                Case(
                    row["index"], row["label"], row["outcome"], row["seconds"], row["peak_mb"], row["detail"]
                )
            )
            todo.remove(row["index"])
        if begun is not None:  # the watchdog or the kernel ended the child inside this case
            index = int(str(begun["begin"]))
            why = "timeout" if "Timeout" in done.stderr or "Thread" in done.stderr else "crash"
            cases.append(Case(index, str(begun["label"]), why, timeout, 0.0, done.stderr[-1500:]))
            todo.remove(index)
        elif todo:
            raise RuntimeError(f"fuzz child stopped before its cases ran:\n{done.stderr[-3000:]}")
    return cases


def run_fuzz(
    seed: int, count: int, corpus: Path, *, workers: int = 2, timeout: float = 30.0, baseline: bool = False
) -> list[Case]:
    """`count` cases over `workers` children side by side, in index order.

    `timeout` is the watchdog that ends a hung child (generous, so a slow machine is not
    mistaken for a hang); the 10 s limit is judged on each case's measured seconds."""
    from concurrent.futures import ThreadPoolExecutor

    runs = [list(range(w, count, workers)) for w in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(lambda run: _child(seed, run, corpus, timeout, baseline), [r for r in runs if r])
    return sorted((c for part in parts for c in part), key=lambda c: c.index)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="the child: read and judge cases, one JSON line each")
    run.add_argument("--seed", type=int, required=True)
    run.add_argument("--start", type=int, default=0)
    run.add_argument("--count", type=int, required=True)
    run.add_argument("--step", type=int, default=1)
    run.add_argument("--corpus", type=Path, required=True)
    run.add_argument("--timeout", type=float, default=30.0)
    run.add_argument("--baseline", action="store_true", help="the corpus files unmutated")
    args = parser.parse_args(argv)
    run_child(args.seed, args.start, args.count, args.step, args.corpus, args.timeout, args.baseline)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
