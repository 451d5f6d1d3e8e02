"""Engine construction: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session

log = logging.getLogger(__name__)


class DatabaseError(Exception):
    """The database URL is unusable or the server cannot be reached; the message says why."""


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Build an engine for ``url`` and check that it connects."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(
            f"DATABASE_URL {url!r} is not a database URL "
            "(expected sqlite:///path.db or postgresql://user@host/db)"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = _sqlite_engine(parsed, echo)
    elif backend in ("postgresql", "postgres"):
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=5)
    else:
        raise DatabaseError(f"DATABASE_URL uses {backend!r}: Parley supports sqlite and postgresql")
    _check_connection(engine)
    return engine


def _sqlite_engine(parsed, echo: bool) -> Engine:
    database = parsed.database
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        parsed, echo=echo, connect_args={"timeout": 30, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001 - DBAPI connection
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def _check_connection(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        where = engine.url.render_as_string(hide_password=True)
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseError(
            f"cannot connect to the database at {where}: {reason} "
            "(check DATABASE_URL and that the server is running)"
        ) from exc


_SQLITE_WRITERS: dict[str, threading.RLock] = {}
_SQLITE_WRITERS_GUARD = threading.Lock()


def write_lock(engine: Engine) -> AbstractContextManager[object]:
    """Writers to one SQLite file in this process take turns; PostgreSQL needs no lock.

    SQLite has one writer at a time: concurrent write transactions from the thread pool
    would wait in SQLite's busy handler, which sleeps in steps of up to 100 ms. A lock
    hands the database to the next writer as soon as the last one commits.
    """
    if engine.dialect.name != "sqlite":
        return nullcontext()
    key = str(engine.url.database or ":memory:")
    with _SQLITE_WRITERS_GUARD:
        return _SQLITE_WRITERS.setdefault(key, threading.RLock())


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session in one write transaction (committed on success), taking the write lock."""
    with write_lock(engine), Session(engine) as session, session.begin():
        yield session


FACTS_LOCK_KEY = 0x5061726C6579  # "Parley": the advisory lock of fact writers


def lock_facts(conn: Connection) -> None:
    """Make this transaction the only one reconciling facts until it ends.

    Reconciliation reads meetings and then writes them: two transactions doing it at
    once could both create the same meeting, or deadlock updating two meetings in
    opposite orders. On PostgreSQL a transaction-scoped advisory lock serializes fact
    writers across processes (articles without facts never take it); SQLite already
    has a single writer.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FACTS_LOCK_KEY})


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
