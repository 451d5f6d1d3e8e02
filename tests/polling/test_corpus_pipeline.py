"""feedparser's own corpus (~2,200 feeds) through the whole pipeline: fetch → parse → store.

No crash, no hang, no unhandled exception; every feed ends polled or with its failure
recorded. The corpus is downloaded by tests/feeds/test_corpus.py's helper into .cache/.
"""

from __future__ import annotations

import pytest
from aiohttp import web

from tests.feeds.test_corpus import CORPUS, _download_corpus, _headers_for
from tests.polling.conftest import World


@pytest.fixture
def db_url(sqlite_url: str) -> str:  # robustness, not storage: SQLite is enough here
    return sqlite_url


async def test_corpus_through_the_whole_pipeline(world: World) -> None:
    root = _download_corpus()
    files = sorted(p for p in root.rglob("*") if p.suffix in (".xml", ".gz", ".z"))
    assert len(files) > 2000

    async def serve(request: web.Request) -> web.Response:
        path = CORPUS / request.path.removeprefix("/corpus/")
        body = path.read_bytes()
        return web.Response(body=body, headers=_headers_for(path, body))

    for path in files:
        route = f"/corpus/{path.relative_to(CORPUS)}"
        world.server.route(route, serve)
        await world.feeds.add(world.server.url(route), "", now=world.clock.now())
    world.poller.policy.concurrency = 32
    stats = await world.poll()
    assert stats.feeds == len(files)
    feeds = await world.feeds.all()
    assert all(f.last_success_at is not None or f.last_error for f in feeds)
    failed = [f for f in feeds if f.last_error]
    assert stats.failed == len(failed) < 0.05 * len(files)
    assert all(
        f.last_error.split(":")[0] in {"not_a_feed", "corrupt_body", "error"} for f in failed
    ), {f.last_error for f in failed}
    # corpus files share GUIDs and URLs: each distinct entry is stored exactly once
    assert 0 < stats.new_entries == world.repo.counts()["articles"]
    await world.due_later()
    again = await world.poll()  # unchanged bodies are not parsed again and store nothing new
    assert again.new_entries == 0 and again.not_modified == len(files) - len(failed)
