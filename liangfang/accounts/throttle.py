"""Login throttling: failed attempts are counted per user name and address, and per address, in
a sliding window kept in the database (so every server process sees the same counts)."""

from __future__ import annotations

import datetime as dt
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


def _normal(username: str) -> str:
    return username.strip().casefold()[:150]


def locked_for(username: str, ip: str, *, now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long logins for ``username`` from ``ip`` stay refused, or None when allowed."""
    now = now or timezone.now()
    lim = limits()
    since = now - lim.window
    recent = LoginAttempt.objects.filter(at__gte=since)
    for qs, limit in ((recent.filter(username=_normal(username), ip=ip), lim.per_user_and_ip),
                      (recent.filter(ip=ip), lim.per_ip)):
        times = list(qs.order_by("-at").values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            # Allowed again once the oldest of the last `limit` failures leaves the window.
            return max(times[-1] + lim.window - now, dt.timedelta(seconds=1))
    return None


def record_failure(username: str, ip: str) -> None:
    LoginAttempt.objects.create(username=_normal(username), ip=ip)
    # Keep the table small: drop what no window can still see.
    LoginAttempt.objects.filter(at__lt=timezone.now() - 4 * limits().window).delete()


def clear(username: str, ip: str) -> None:
    LoginAttempt.objects.filter(username=_normal(username), ip=ip).delete()
