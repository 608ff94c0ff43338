"""Answers from the API are per user: no shared cache may keep one or serve it to another user.

Set on the way out of every /api/ request, errors and streamed exports included, so no view can
forget it; ETags and other headers a view sets are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control, patch_vary_headers

API_PREFIX = "/api/"


class PrivateAPIResponsesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Authorization", "Cookie"))
        return response
