from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from atvsld_portal.navigation import nav_items_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    items = nav_items_for(user) if user is not None and user.is_authenticated else []
    return {"nav_items": items, "portal_version": settings.PORTAL_VERSION}
