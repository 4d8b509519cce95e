"""Values every template needs."""

from django.conf import settings
from django.http import HttpRequest

from placewell.ui.navigation import nav_items


def site(request: HttpRequest) -> dict[str, object]:
    return {"site_name": settings.SITE_NAME, "nav_items": nav_items(request)}
