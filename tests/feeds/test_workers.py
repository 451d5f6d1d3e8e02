"""The worker pool: processes from a fork server that carry only what workers need."""

from __future__ import annotations

from bot.feeds.workers import cpu_pool, loaded_packages


def test_workers_load_the_parser_and_tracker_but_not_the_chat_or_database_stack() -> None:
    pool = cpu_pool(1)
    assert pool is not None
    try:
        packages = pool.submit(loaded_packages).result(timeout=60)
    finally:
        pool.shutdown()
    assert {"feedparser", "bot"} <= set(packages)
    assert not {"discord", "slack_bolt", "sqlalchemy", "sqlmodel", "trafilatura"} & set(packages)


def test_no_workers_means_no_pool() -> None:
    assert cpu_pool(0) is None
