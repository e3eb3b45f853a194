"""The one error type the command lines catch: something a user can cause and mend."""

from __future__ import annotations

import errno
import os


class UserError(Exception):
    """A bad option, file or folder; its message is one sentence, ready to print."""


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived: the command unwinds as it does for Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class OutputError(UserError):
    """An output folder or file that cannot be written; the message is one sentence."""


# The system's words where they are not plain enough; the rest ("permission denied",
# "no space left on device", "read-only file system", "not a directory") already are.
_PLAIN = {
    errno.ENAMETOOLONG: "the name is too long for the system",
    errno.EISDIR: "it is a folder",
    errno.ELOOP: "too many symbolic links (a loop?)",
    errno.EDQUOT: "the disk quota is used up",
}


def os_reason(err: OSError) -> str:
    """Why `err` happened in plain lower-case words, without its path: 'permission denied'."""
    if err.errno in _PLAIN:
        return _PLAIN[err.errno]
    if err.errno:  # the system's standard words for it, whatever text came with it
        return os.strerror(err.errno).lower()
    return (err.strerror or str(err) or type(err).__name__).lower()


def escaped(text: str) -> str:
    """`text` with its control characters written as escapes: a newline as \\n."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def quoted(text: str, limit: int = 40) -> str:
    """A user's value for a sentence: quoted, control characters escaped, a long one cut.

    '99999…' (5,000 digits): a value of 5,000 characters is not printed whole.
    """
    if len(text) <= limit:
        return f"'{escaped(text)}'"
    unit = "digits" if text.isascii() and text.isdigit() else "characters"
    return f"'{escaped(text[:10])}…' ({len(text):,} {unit})"
