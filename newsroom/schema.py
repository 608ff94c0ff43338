"""OpenAPI generation: every operation also documents the error answers it can give."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.permissions import AllowAny

ERRORS = {
    "400": "The request's parameters or body are invalid; the body says which and why.",
    "401": "No valid credentials: send `Authorization: Token KEY` or log in.",
    "403": "Your role does not allow this (viewers read only; reviewers approve), or CSRF "
    "failed on a session write.",
    "404": "No such object.",
    "429": "Too many requests: slow down and retry after the Retry-After header's seconds.",
}
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["401", "403", "429"]
        if any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes = ["429"]
        if "{" in self.path:
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH") or self._get_filter_parameters():
            codes.append("400")
        for code in codes:
            responses.setdefault(
                code,
                {
                    "content": {"application/json": {"schema": DETAIL}},
                    "description": ERRORS[code],
                },
            )
        return responses
