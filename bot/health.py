"""A small HTTP endpoint: /healthz and /metrics (Prometheus text format)."""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass
class Metrics:
    """In-process counters; the outbox and feed numbers are read from the store per scrape."""

    posts_delivered: int = 0
    command_counts: dict[str, list[int]] = field(default_factory=dict)  # per bucket (+Inf last)
    command_sums: dict[str, float] = field(default_factory=dict)

    def observe_command(self, name: str, seconds: float) -> None:
        counts = self.command_counts.setdefault(name, [0] * (len(BUCKETS) + 1))
        counts[bisect.bisect_left(BUCKETS, seconds)] += 1
        self.command_sums[name] = self.command_sums.get(name, 0.0) + seconds

    def render(self, feeds: dict[str, int], deliveries: dict[str, int]) -> str:
        lines = ["# HELP parley_feeds Watched feeds by health.", "# TYPE parley_feeds gauge"]
        lines += [f'parley_feeds{{health="{k}"}} {v}' for k, v in sorted(feeds.items())]
        lines += [
            "# HELP parley_events_pending Deliveries waiting to be posted.",
            "# TYPE parley_events_pending gauge",
        ]
        lines.append(f"parley_events_pending {deliveries.get('pending', 0)}")
        lines += [
            "# HELP parley_posts_delivered_total Posts delivered by this process.",
            "# TYPE parley_posts_delivered_total counter",
        ]
        lines.append(f"parley_posts_delivered_total {self.posts_delivered}")
        lines += [
            "# HELP parley_command_latency_seconds Command latency.",
            "# TYPE parley_command_latency_seconds histogram",
        ]
        for name, counts in sorted(self.command_counts.items()):
            cumulative = 0
            for bound, n in zip((*BUCKETS, "+Inf"), counts, strict=True):
                cumulative += n
                lines.append(
                    f'parley_command_latency_seconds_bucket{{command="{name}",le="{bound}"}} {cumulative}'
                )
            lines.append(
                f'parley_command_latency_seconds_sum{{command="{name}"}} {self.command_sums[name]:.6f}'
            )
            lines.append(f'parley_command_latency_seconds_count{{command="{name}"}} {cumulative}')
        return "\n".join(lines) + "\n"


def health_app(core: Any, metrics: Metrics) -> web.Application:
    """/healthz answers 200 when the store answers; /metrics renders the counters."""

    async def healthz(_: web.Request) -> web.Response:
        try:
            await core.repo.counts()
        except Exception as exc:  # noqa: BLE001 - any store failure means unhealthy
            log.warning("health check failed: %s", exc)
            return web.json_response({"status": "error", "error": type(exc).__name__}, status=503)
        return web.json_response({"status": "ok", "mode": core.settings.chat_mode})

    async def metrics_view(_: web.Request) -> web.Response:
        body = metrics.render(await core.feed_store.health(), await core.outbox.delivery_counts())
        return web.Response(text=body, content_type="text/plain", charset="utf-8")

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_view)
    return app


async def start_health_server(core: Any, metrics: Metrics, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(health_app(core, metrics), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("health endpoint on http://%s:%d/healthz", host, port)
    return runner
