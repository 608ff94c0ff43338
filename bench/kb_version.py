#!/usr/bin/env python
"""What each suggestion pays to learn whether the knowledge base changed, on PostgreSQL.

Loads --entities synthetic entities into a scratch database, then times --calls calls of
`kb_version()` two ways: without a shared cache (a count and two maxima over the entities table,
what every process runs when REDIS_URL is unset) and with Redis (one GET; REDIS_URL, default
db 11 on loopback, under a key prefix of this run's own that is removed afterwards).

    .venv/bin/python bench/kb_version.py [--entities 10000] [--calls 2000]
                                         [--redis redis://127.0.0.1:6379/11]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from common import child_env, scratch_database, setup_django


def timed(calls: int, function) -> tuple[float, float]:
    """Median and p99 of one call, in microseconds."""
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1e6)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    args = parser.parse_args()
    prefix = f"bench-kb-version-{os.getpid()}"
    env = child_env(
        Path(tempfile.mkdtemp(prefix="newsroom-kb-version-")),
        REDIS_URL=args.redis,
        CACHE_KEY_PREFIX=prefix,
    )
    with scratch_database("postgres", env, label="kb_version"):
        setup_django(env)
        from django.core.cache import cache
        from django.test import override_settings

        from annotations.kb_version import KEY, kb_version
        from annotations.models import Entity, EntityType

        Entity.objects.bulk_create(
            Entity(type=EntityType.ORG, name_en=f"Entity {n}", name_fa=f"نهاد {n}")
            for n in range(args.entities)
        )
        total = Entity.objects.count()
        print(f"{total:,} entities on PostgreSQL, {args.calls:,} calls each")
        try:
            for label, shared in (("table summary (no REDIS_URL)", False), ("Redis GET", True)):
                with override_settings(SHARED_CACHE=shared):
                    kb_version()  # first call: connections, the token
                    median, p99 = timed(args.calls, kb_version)
                print(f"  {label:<30} median {median:8.1f} µs   p99 {p99:8.1f} µs")
        finally:
            cache.delete(KEY)


if __name__ == "__main__":
    main()
