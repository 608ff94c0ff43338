"""What a check is, the registry of checks, and running them all on one segment."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One failed check; `start`/`end` are code points into the target, None for the whole."""

    check: str
    message: str
    start: int | None = None
    end: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Context:
    """What some checks need beyond the two texts: the segment and the usual length range;
    `extra` is shared with the rest of the write the checks run for (rows already read)."""

    segment_id: int | None = None
    length_range: tuple[float, float] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Check = Callable[[str, str, Context], Iterable[Finding]]
_CHECKS: dict[str, Check] = {}


def register(name: str) -> Callable[[Check], Check]:
    """Add a check under `name` (the name editors see and dismiss); the last one registered for
    a name wins, so a test or another app can replace one."""

    def add(check: Check) -> Check:
        _CHECKS[name] = check
        return check

    return add


def check_names() -> list[str]:
    return list(_CHECKS)


def run_checks(source: str, target: str, context: Context | None = None) -> list[Finding]:
    """Every registered check on one segment, in registration order."""
    context = context or Context()
    findings: list[Finding] = []
    for check in _CHECKS.values():
        findings.extend(check(source, target, context))
    return findings
