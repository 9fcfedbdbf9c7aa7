"""Login throttling: failed attempts are counted per user name and address, and per address, in
a sliding window kept in the database (so every server process sees the same counts).

An attempt is written down *before* its password is checked and counted with every other one
written so far: of forty simultaneous attempts, each sees at least as many rows as attempts that
were written before it, so no more than the limit get to the password check (counting first and
writing after the check let eight of forty through). A refused attempt's row is taken back; a
successful one clears the user's failures from that address.

User names are compared as Django compares them when they are typed (NFKC) and without case:
``ｃａｄｒｅ`` (full width) and ``CADRE`` are the same lock as ``cadre``."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from .models import LoginAttempt


@dataclass(frozen=True)
class Limits:
    per_user_and_ip: int
    per_ip: int
    window: dt.timedelta


def limits() -> Limits:
    return Limits(
        per_user_and_ip=int(getattr(settings, "LIANGFANG_LOGIN_MAX_FAILURES", 5)),
        per_ip=int(getattr(settings, "LIANGFANG_LOGIN_MAX_FAILURES_PER_IP", 20)),
        window=dt.timedelta(minutes=int(getattr(settings, "LIANGFANG_LOGIN_WINDOW_MINUTES", 15))),
    )


def normal_username(username: str) -> str:
    """The throttle's key for a typed user name: NFKC (as Django's log-in form normalises it), then
    case-folded (and NFKC again: folding can undo it), without surrounding space."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold())
    return folded.strip()[:150]


def locked_for(username: str, ip: str, *, now: dt.datetime | None = None,
               besides: int | None = None) -> dt.timedelta | None:
    """How long logins for ``username`` from ``ip`` stay refused, or None when allowed; ``besides``
    is an attempt of one's own, not counted against oneself."""
    now = now or timezone.now()
    lim = limits()
    since = now - lim.window
    recent = LoginAttempt.objects.filter(at__gte=since)
    if besides is not None:
        recent = recent.exclude(pk=besides)
    for qs, limit in ((recent.filter(username=normal_username(username), ip=ip), lim.per_user_and_ip),
                      (recent.filter(ip=ip), lim.per_ip)):
        times = list(qs.order_by("-at").values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            # Allowed again once the oldest of the last `limit` failures leaves the window.
            return max(times[-1] + lim.window - now, dt.timedelta(seconds=1))
    return None


@dataclass(frozen=True)
class Attempt:
    """A log-in attempt written down before its password is checked: ``wait`` is set when refused."""

    pk: int | None
    wait: dt.timedelta | None


def begin(username: str, ip: str) -> Attempt:
    """Write the attempt down, then count: refused (and taken back) when the attempts before it,
    finished or not, reach a limit."""
    row = LoginAttempt.objects.create(username=normal_username(username), ip=ip)
    wait = locked_for(username, ip, besides=row.pk)
    if wait is not None:
        LoginAttempt.objects.filter(pk=row.pk).delete()
        return Attempt(pk=None, wait=wait)
    return Attempt(pk=row.pk, wait=None)


def record_failure(username: str, ip: str) -> None:
    """A failure seen after the fact (``begin`` already keeps its own)."""
    LoginAttempt.objects.create(username=normal_username(username), ip=ip)
    forget_old()


def forget_old() -> None:
    """Keep the table small: drop what no window can still see."""
    LoginAttempt.objects.filter(at__lt=timezone.now() - 4 * limits().window).delete()


def clear(username: str, ip: str) -> None:
    LoginAttempt.objects.filter(username=normal_username(username), ip=ip).delete()
