"""Log-in against Django's user table (``ModelBackend``), with the session's user — read on every
page — found by kept SQL (``liangfang.prepared``) rather than a query built anew each time, together
with the user's account and its region (``liangfang.web.permissions.viewer_for`` reads them): one
query a page for who is asking, and a change of role or region applies to the very next page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from ..prepared import Prepared

_USER = Prepared(lambda pk: get_user_model()._default_manager.filter(pk=pk)
                 .select_related("account__region").order_by()[:1])


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = _USER.first(pk=pk)
        return user if user is not None and self.user_can_authenticate(user) else None
