"""Run the synchronous repositories in a worker thread so the event loop never blocks."""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Any


class AsyncProxy:
    """Expose every method of ``target`` as a coroutine executed in ``executor``."""

    def __init__(self, target: Any, executor: ThreadPoolExecutor):
        self._target = target
        self._executor = executor

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr

        @functools.wraps(attr)
        async def call(*args: Any, **kwargs: Any) -> Any:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._executor, functools.partial(attr, *args, **kwargs)
            )

        return call


def db_executor(workers: int = 4) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="parley-db")
