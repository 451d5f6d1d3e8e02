"""The process pool that parses feeds and analyses articles (both CPU-bound).

Workers start from a fork server, never by forking the bot itself (its threads may hold
locks). The fork server preloads only the module that holds the workers' functions, not
the bot's ``__main__``: a worker then carries feedparser and the tracker, not Discord,
Slack, SQLAlchemy or the web stack (about half the memory, and a faster start).
"""

from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor

WORKER_MODULES = ["bot.feeds.poller"]  # digest_body and analyse_batch live there


def cpu_pool(workers: int) -> ProcessPoolExecutor | None:
    """A pool of ``workers`` processes (None for 0: the work then runs in a thread)."""
    if workers <= 0:
        return None
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_MODULES)
    return ProcessPoolExecutor(workers, mp_context=context)


def loaded_packages() -> list[str]:
    """Top-level packages imported in this process (run in a worker by the tests)."""
    return sorted({name.split(".")[0] for name in sys.modules})
