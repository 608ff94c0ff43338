"""The `<id:pk>` path converter: what a database id can be, and nothing else.

Django's `int` converter lets through numbers no id column can hold, and a router's default
pattern lets through anything; the view then meets `null,null` or a 23-digit number and fails.
With this converter such a path matches no route, so it is a 404 before any view runs.
"""

from __future__ import annotations

from django.urls import register_converter

MAX_ID = 2**63 - 1  # the largest value of a 64-bit (BigAutoField) primary key


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(f"{value} is not a database id")
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)


register_converter(IdConverter, "id")
