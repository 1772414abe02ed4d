"""Word 97–2003 .doc and WPS .wps → .docx with LibreOffice, so one reader serves every draft.

Why a process per call with its own profile: a LibreOffice that shares the user's profile
refuses to start while another instance runs (the office's own LibreOffice, a parallel
conversion) and can hang on a recovery dialog. Each call gets a fresh temp folder holding the
input, the output and a throw-away profile, a timeout, and its whole process group killed if it
overruns. Only temp files are touched; the caller gets bytes back or a `ConversionError` whose
message is the Chinese text for the unit.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from extractors.messages import MSG_MISSING_SOFFICE, soffice_failed, soffice_no_start, soffice_timeout

_CANDIDATES: tuple[str, ...] = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)


# Settings written into each throw-away profile before soffice starts. Measured here: a default
# LibreOffice fetches a linked picture's URL while converting, and the reader promises linked
# pictures are never fetched. So: links never updated, untrusted links blocked, every proxy
# pointed at a closed local port, and macros never run (a .doc can carry them).
_PROFILE_SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "0"),
    ("/org.openoffice.Inet/Settings", "ooInetProxyType", "1"),
    ("/org.openoffice.Inet/Settings", "ooInetNoProxy", ""),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPProxyName", "127.0.0.1"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPProxyPort", "9"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPSProxyName", "127.0.0.1"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPSProxyPort", "9"),
    ("/org.openoffice.Inet/Settings", "ooInetFTPProxyName", "127.0.0.1"),
    ("/org.openoffice.Inet/Settings", "ooInetFTPProxyPort", "9"),
)


def _seed_profile(profile: Path) -> None:
    """Write `_PROFILE_SETTINGS` where LibreOffice reads user settings at first start."""
    items = "".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>\n'
        for path, name, value in _PROFILE_SETTINGS
    )
    user = profile / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}</oor:items>\n",
        encoding="utf-8",
    )


class ConversionError(Exception):
    """The file could not be converted; `message` is the Chinese text for the unit."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def soffice_path() -> str | None:
    """Where LibreOffice's `soffice` is, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _CANDIDATES:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill soffice and everything it started (oosplash → soffice.bin share its session).
    Called only while the leader is unreaped, so the group id cannot belong to anyone else."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        proc.communicate(timeout=10)


def convert_to_docx(data: bytes, suffix: str, timeout: float) -> bytes:
    """The .docx LibreOffice makes from `data` (a .doc/.wps file's bytes).

    `suffix` ("doc", "wps", …) names the temp input so LibreOffice picks its import filter; the
    caller passes "doc" for any OLE file holding a WordDocument stream (WPS writes that format).
    Raises `ConversionError` when LibreOffice is missing, overruns `timeout` seconds, or makes
    no output.
    """
    return convert(data, suffix, "docx", timeout)


def _command(soffice: str, profile: Path, source: Path, target: str, outdir: Path) -> list[str]:
    """soffice converting `source` to `target` in `outdir`, headless, with its own `profile`."""
    return [
        soffice,
        "--headless",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        str(source),
    ]


def convert(data: bytes, suffix: str, target: str, timeout: float) -> bytes:
    """`data` (a file of type `suffix`) converted by LibreOffice to `target` ("docx", "doc"…).
    The general form of `convert_to_docx`; tests use it to make real .doc files."""
    soffice = soffice_path()
    if soffice is None:
        raise ConversionError(MSG_MISSING_SOFFICE)
    suffix = "".join(ch for ch in suffix.lower().lstrip(".") if ch.isalnum()) or "doc"
    target = "".join(ch for ch in target.lower().lstrip(".") if ch.isalnum()) or "docx"
    with tempfile.TemporaryDirectory(prefix="draftdesk-convert-") as tmp:
        root = Path(tmp)
        source = root / f"draft.{suffix}"
        source.write_bytes(data)
        outdir = root / "out"
        outdir.mkdir()
        profile = root / "profile"
        _seed_profile(profile)
        env = {**os.environ, "HOME": str(root), "TMPDIR": str(root)}
        try:
            proc = subprocess.Popen(
                _command(soffice, profile, source, target, outdir),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                env=env,
                cwd=root,
            )
        except OSError as exc:
            raise ConversionError(soffice_no_start(exc)) from exc
        try:
            proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(proc)
            raise ConversionError(soffice_timeout(timeout)) from exc
        except BaseException:  # Ctrl-C or shutdown while converting: leave no soffice behind
            _kill_group(proc)
            raise
        result = outdir / f"draft.{target}"
        if not result.is_file() or result.stat().st_size == 0:
            raise ConversionError(soffice_failed(proc.returncode))
        return result.read_bytes()
