"""Who sees what: a viewer is a logged-in user with an account (region + role). Every view reads
households only inside a region it got from here — ``household_for`` for one household, the
viewer's own region or ``region_for``'s for the list and the exports — so a household outside the
viewer's region is simply not found (404): the page never says whether it exists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from ..accounts.models import Account
from ..accounts.roles import COUNTY_ADMIN, ROLES, Role
from ..prepared import Prepared
from ..registry.models import Household, Region
from ..registry.selectors import significant_prefix, top_region


@dataclass(frozen=True)
class Viewer:
    username: str
    region: Region
    role: Role

    @property
    def prefix(self) -> str:
        return significant_prefix(self.region)

    @property
    def can_edit(self) -> bool:
        return self.role.can_edit

    def covers(self, region: Region) -> bool:
        """True when ``region`` lies inside (or is) the viewer's region."""
        return region.code.startswith(self.prefix) and _depth(region) >= _depth(self.region)


_DEPTH = {"province": 0, "city": 1, "county": 2, "township": 3, "village": 4, "group": 5}


def _depth(region: Region) -> int:
    return _DEPTH[region.level]


class NoAccount(PermissionDenied):
    """A user who can log in but has no region and role yet."""


def viewer_for(request: HttpRequest) -> Viewer:
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    try:
        account: Account | None = user.account  # read with the user (AccountBackend), else one query
    except Account.DoesNotExist:
        account = None
    if account is None:
        # The administrator made by `liangfang init --admin` acts for the whole registry.
        top = top_region() if user.is_superuser else None
        if top is None:
            raise NoAccount
        return Viewer(username=user.get_username(), region=top, role=ROLES[COUNTY_ADMIN])
    return Viewer(username=user.get_username(), region=account.region, role=account.role_spec)


View = Callable[..., HttpResponseBase]


def viewer_required(*, edit: bool = False) -> Callable[[View], View]:
    """Log-in, account and (with ``edit``) write permission, checked before the view runs; the
    view receives the viewer as its second argument."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            viewer = viewer_for(request)
            if edit and not viewer.can_edit:
                raise PermissionDenied
            return view(request, viewer, *args, **kwargs)

        return wrapped

    return decorate


_HOUSEHOLD = Prepared(lambda number: Household.objects.select_related("village__parent__parent")
                      .filter(number=number).order_by()[:1])


def household_for(viewer: Viewer, number: str) -> Household:
    """The household with this number if the viewer may see it; 404 otherwise (also when it
    exists elsewhere)."""
    household = _HOUSEHOLD.first(number=number)
    if household is None or not viewer.covers(household.village):
        raise Http404
    return household


_REGION = Prepared(lambda code: Region.objects.filter(code=code).order_by()[:1])


def region_for(viewer: Viewer, code: str) -> Region:
    """A region inside the viewer's region; 404 for any other code."""
    region = _REGION.first(code=code)
    if region is None or not viewer.covers(region):
        raise Http404
    return region
