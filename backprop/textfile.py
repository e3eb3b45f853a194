"""Reading a user's text file (a .dat file, a script): its text, or one sentence why not."""

from __future__ import annotations

from pathlib import Path

from backprop.errors import UserError


class TextFileError(UserError):
    """A file that cannot be read as UTF-8 text; the message names it and says why."""


def read_text_file(path: str | Path, what: str, starts_with: str | None = None) -> str:
    """The UTF-8 text of `path`; `what` names the expected file ("a .dat file") in errors.

    With `starts_with`, a file that does not begin with it (after an optional byte-order
    mark) is refused after reading that much of it, not all of it: a 2 GB file of
    something else is not loaded to be told so.
    """
    path = Path(path)
    if path.exists() and not path.is_dir() and not path.is_file():
        raise TextFileError(f"{path}: is not a regular file.")  # /dev/zero would never end
    try:
        if starts_with is not None:
            with path.open("rb") as file:
                head = file.read(len(starts_with.encode()) + 3)
            if not head.removeprefix(b"\xef\xbb\xbf").startswith(starts_with.encode()):
                raise TextFileError(f"{path}, line 1: not {what} "
                                    f"(it must start with {starts_with!r}).")
        return path.read_text(encoding="utf-8")
    except MemoryError:
        raise TextFileError(f"{path}: is too large to read into memory.") from None
    except FileNotFoundError:
        raise TextFileError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise TextFileError(f"{path}: is a folder, not {what}.") from None
    except UnicodeDecodeError:
        raise TextFileError(f"{path}: is not a text file.") from None
    except OSError as err:
        raise TextFileError(f"{path}: cannot be read ({err.strerror}).") from None
