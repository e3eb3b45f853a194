"""Values the program takes from the environment, checked before any work is done."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

from backprop.errors import UserError, quoted

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
LAST_DAY = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)  # a four-digit year


class EnvironmentValueError(UserError):
    """An environment variable whose value cannot be used; the message names it."""


def source_date(environ: Mapping[str, str] | None = None) -> str:
    """The report's date, YYYY-MM-DD: SOURCE_DATE_EPOCH's when it is set, else today's.

    SOURCE_DATE_EPOCH is what reproducible builds define: seconds since 1970-01-01 UTC
    in ASCII digits, as `date +%s` prints them. Unset or empty means not set.
    """
    environ = os.environ if environ is None else environ
    raw = environ.get("SOURCE_DATE_EPOCH", "")
    text = raw.strip()
    if not text:
        return time.strftime("%Y-%m-%d")
    if not re.fullmatch(r"[0-9]+", text):  # not '1.5', '-1', '1e9' or '١٧٠٠'
        raise EnvironmentValueError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC "
            f"(as 'date +%s' prints), not {quoted(raw)}.")
    digits = text.lstrip("0") or "0"  # int() of 5,000 digits is refused, so compare sizes
    last = str(int((LAST_DAY - EPOCH).total_seconds()))
    if (len(digits), digits) > (len(last), last):
        raise EnvironmentValueError(
            f"SOURCE_DATE_EPOCH {quoted(text)} is after the year 9999; it must be seconds "
            "since 1970-01-01 UTC, as 'date +%s' prints them.")
    return (EPOCH + timedelta(seconds=int(digits))).strftime("%Y-%m-%d")
