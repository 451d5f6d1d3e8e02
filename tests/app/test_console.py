"""Console mode: posts on stdout, commands from stdin, clean shutdown on SIGTERM."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import build_core
from bot.chat.console import answer_line
from bot.runtime import run_bot
from config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def core(monkeypatch, sqlite_url):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("PARLEY_NOW", "2026-01-27T09:00:00+00:00")
    core = build_core(Settings(_env_file=None))
    yield core
    core.close()


async def _run_until(core, stdin: io.StringIO, capsys, needle: str) -> str:
    stop = asyncio.Event()
    task = asyncio.create_task(run_bot(core, stdin=stdin, stop=stop))
    seen = ""
    for _ in range(200):  # bounded wait, not a timing assertion
        await asyncio.sleep(0.05)
        seen += capsys.readouterr().out
        if needle in seen:
            break
    stop.set()
    await task
    return seen + capsys.readouterr().out


async def test_console_seeds_posts_and_answers_commands(core, capsys) -> None:
    stdin = io.StringIO(
        "/help\n/meetings past\n/document security guarantees\n/meetings sometime\n"
    )
    out = await _run_until(core, stdin, capsys, "'when' must be")
    assert "Parley console" in out
    assert "── Parley post #1 ──" in out  # the seed events are posted on first start
    assert "Meeting held" in out
    assert "/meetings [upcoming|past|all]" in out  # /help
    assert "Past meetings:" in out and "Abu Dhabi" in out
    assert "Security guarantees" in out and "100% ready" in out
    assert "⚠ 'when' must be upcoming, past or all" in out


async def test_restart_does_not_post_again(core, capsys) -> None:
    await _run_until(core, io.StringIO(""), capsys, "Parley post #")
    out = await _run_until(core, io.StringIO("/next\n"), capsys, "2026")
    assert "Parley post" not in out


async def test_console_line_errors_are_replies() -> None:
    class Boom:
        async def handle(self, request):  # pragma: no cover - never reached
            raise AssertionError

    reply = await answer_line(Boom(), "/")
    assert reply.error and "Type a command" in reply.text
    assert await answer_line(Boom(), "   ") is None


def test_sigterm_shuts_down_cleanly(tmp_path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        "PARLEY_NOW": "2026-01-27T09:00:00+00:00",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for line in proc.stderr:
            if "Parley running" in line:
                break
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "shutting down" in err and "Traceback" not in err
    assert "Parley post" in out  # with no stdin it still runs its work and prints posts


async def test_health_and_metrics_endpoint(monkeypatch, sqlite_url, capsys) -> None:
    import aiohttp

    from tests.app.test_slack_runtime import free_port

    port = free_port()
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("PARLEY_HEALTH_PORT", str(port))
    monkeypatch.setenv("PARLEY_HEALTH_HOST", "127.0.0.1")
    core = build_core(Settings(_env_file=None))
    try:
        stop = asyncio.Event()
        task = asyncio.create_task(run_bot(core, stdin=io.StringIO("/documents\n"), stop=stop))
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                try:
                    async with http.get(f"{base}/healthz") as resp:
                        health = await resp.json()
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            for _ in range(100):
                async with http.get(f"{base}/metrics") as resp:
                    metrics = await resp.text()
                if (
                    "parley_posts_delivered_total 0" not in metrics
                    and 'command="documents"' in metrics
                ):
                    break
                await asyncio.sleep(0.05)
        stop.set()
        await task
    finally:
        core.close()
    assert health == {"status": "ok", "mode": "console"}
    assert (
        "parley_events_pending" in metrics
        and 'parley_command_latency_seconds_count{command="documents"} 1' in metrics
    )
    assert (
        "parley_posts_delivered_total" in metrics
        and "parley_posts_delivered_total 0" not in metrics
    )
