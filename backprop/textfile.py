"""Reading a user's text file (a .dat file, a script): its text, or one sentence why not."""

from __future__ import annotations

from pathlib import Path

from backprop.errors import UserError


class TextFileError(UserError):
    """A file that cannot be read as UTF-8 text; the message names it and says why."""


def read_text_file(path: str | Path, what: str) -> str:
    """The UTF-8 text of `path`; `what` names the expected file ("a .dat file") in errors."""
    path = Path(path)
    if path.exists() and not path.is_dir() and not path.is_file():
        raise TextFileError(f"{path}: is not a regular file.")  # /dev/zero would never end
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TextFileError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise TextFileError(f"{path}: is a folder, not {what}.") from None
    except UnicodeDecodeError:
        raise TextFileError(f"{path}: is not a text file.") from None
    except OSError as err:
        raise TextFileError(f"{path}: cannot be read ({err.strerror}).") from None
