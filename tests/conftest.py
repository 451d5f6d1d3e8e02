"""Shared fixtures: a migrated database on SQLite and on the local PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from storage.db import make_engine
from storage.migrate import upgrade

PG_URL = os.environ.get("PARLEY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 1, 27, 9, 0, tzinfo=UTC)
NO_FEEDS = Path(__file__).resolve().parent / "no_feeds.yaml"


@pytest.fixture(autouse=True)
def _clean_parley_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the developer's .env or tokens."""
    for name in list(os.environ):
        if (
            name.startswith(("PARLEY_", "DISCORD_", "SLACK_"))
            and name != "PARLEY_TEST_POSTGRES_URL"
        ):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    # no test may poll the real news sites of config/feeds.yaml
    monkeypatch.setenv("PARLEY_FEEDS_FILE", str(NO_FEEDS))


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'parley.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema per test (CI starts the server; absent server = failure)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure is reported the same way
        pytest.fail(f"PostgreSQL at {PG_URL} is needed by this test and is not reachable: {exc}")
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    """A database URL for each supported store."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def engine(db_url: str):
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()
