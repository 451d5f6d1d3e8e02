"""Robustness sweep over feedparser's own test corpus (~2,200 well- and ill-formed feeds).

The corpus ships in feedparser's PyPI sdist, not its wheel; it is downloaded once into
``.cache/feedparser-sdist/`` (git-ignored) with pip. Every file is served through the
local feed server and parsed: each must end as a ParsedFeed or a typed FeedError.
"""

from __future__ import annotations

import asyncio
import io
import re
import subprocess
import sys
import tarfile
import tempfile
import xml.sax
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import feedparser
import feedparser.api
import feedparser.mixin
import pytest
from aiohttp import web

from bot.feeds.errors import FeedError
from bot.feeds.fetcher import FeedFetcher
from bot.feeds.parser import ParsedFeed, parse_feed, parse_feed_async
from bot.feeds.tuning import SAX_DRIVER, untuned
from tests.fakes.feedserver import FeedServer

VERSION = "6.0.14"
CACHE = Path(__file__).resolve().parents[2] / ".cache" / "feedparser-sdist"
CORPUS = CACHE / f"feedparser-{VERSION}" / "tests"
_HEADER = re.compile(rb"^Header:\s*([\w-]+):\s*(.+?)\s*$", re.MULTILINE)


def _download_corpus() -> Path:
    if CORPUS.is_dir():
        return CORPUS
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--no-binary",
            ":all:",
            f"feedparser=={VERSION}",
            "-d",
            tmp,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        archives = list(Path(tmp).glob("feedparser-*.tar.gz"))
        if done.returncode != 0 or not archives:
            pytest.fail(
                "could not download feedparser's sdist for the corpus sweep "
                f"(pip exit {done.returncode}); this test needs the package registry.\n{done.stderr[-2000:]}"
            )
        with tarfile.open(archives[0]) as archive:
            members = [
                m for m in archive.getmembers() if "/tests/" in m.name and (m.isfile() or m.isdir())
            ]
            archive.extractall(CACHE, members=members, filter="data")
    return CORPUS


@pytest.fixture(scope="module")
def corpus() -> list[Path]:
    root = _download_corpus()
    files = sorted(p for p in root.rglob("*") if p.suffix in (".xml", ".gz", ".z"))
    assert len(files) > 2000, f"corpus at {root} looks incomplete ({len(files)} files)"
    return files


def _headers_for(path: Path, body: bytes) -> dict[str, str]:
    headers = {"Content-Type": "application/xml"}
    for name, value in _HEADER.findall(body[:2000]):
        if name.lower() in (b"content-type", b"content-language", b"content-location"):
            headers[name.decode()] = value.decode("latin-1")
    if path.suffix == ".gz":
        headers["Content-Encoding"] = "gzip"
    elif path.suffix == ".z":
        headers["Content-Encoding"] = "deflate"
    return headers


def _classify(outcome: ParsedFeed | BaseException) -> str:
    if isinstance(outcome, ParsedFeed):
        for entry in outcome.items:
            assert isinstance(entry.title, str) and isinstance(entry.text, str) and entry.key
            assert entry.published is None or entry.published.tzinfo is not None
        return "ok"
    if isinstance(outcome, FeedError):
        return outcome.reason
    raise AssertionError(f"untyped failure: {outcome!r}") from outcome


def test_every_corpus_file_parses_or_fails_typed(corpus: list[Path]) -> None:
    outcomes: Counter[str] = Counter()
    for path in corpus:
        try:
            outcome: ParsedFeed | BaseException = parse_feed(
                path.read_bytes(), "http://example.com/feed"
            )
        except FeedError as exc:
            outcome = exc
        outcomes[_classify(outcome)] += 1
    assert outcomes["ok"] > 0.9 * len(corpus), outcomes


async def test_corpus_served_over_http(
    corpus: list[Path], server: FeedServer, fetcher: FeedFetcher
) -> None:
    root = CORPUS

    async def serve(request: web.Request) -> web.Response:
        path = root / request.match_info["tail"]
        body = path.read_bytes()
        return web.Response(body=body, headers=_headers_for(path, body))

    for path in corpus:
        server.route("/" + path.relative_to(root).as_posix(), serve)
    semaphore = asyncio.Semaphore(16)
    pool = ThreadPoolExecutor(2)

    async def one(path: Path) -> tuple[Path, str]:
        url = server.url("/" + path.relative_to(root).as_posix())
        async with semaphore:
            try:
                fetched = await fetcher.fetch(url)
                outcome: ParsedFeed | BaseException = await parse_feed_async(
                    fetched.body,
                    fetched.final_url,
                    content_type=fetched.content_type,
                    executor=pool,
                )
            except FeedError as exc:
                outcome = exc
        return path, _classify(outcome)

    try:
        results = await asyncio.gather(*(one(p) for p in corpus))
    finally:
        pool.shutdown()
    outcomes = Counter(kind for _, kind in results)
    wellformed = [kind for path, kind in results if "wellformed" in path.parts]
    assert outcomes["ok"] > 0.9 * len(corpus), outcomes
    assert wellformed.count("ok") > 0.97 * len(wellformed), Counter(wellformed)
    assert len(server.requests) == len(corpus)
    # The corpus's gzip/deflate samples go through our own decoder.
    compressed = {path.name: kind for path, kind in results if path.suffix in (".gz", ".z")}
    print("corpus over HTTP:", dict(outcomes), "compressed:", compressed)
    assert compressed["gzip.gz"] == "ok" and compressed["deflate.z"] == "ok", compressed


def test_tuned_feedparser_parses_the_corpus_exactly_like_stock_feedparser(
    corpus: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``bot.feeds.tuning`` (buffered expat, memoised URL joins) changes no result."""
    assert feedparser.api.PREFERRED_XML_PARSERS[0] == SAX_DRIVER  # parse_feed uses both
    assert feedparser.mixin.make_safe_absolute_uri.cache_info() is not None

    def parse_all() -> list[tuple]:
        out = []
        for path in corpus:
            r = feedparser.parse(
                io.BytesIO(path.read_bytes()),
                sanitize_html=False,
                response_headers={"content-location": f"http://example.com/{path.name}"},
            )
            out.append(
                (path.name, r.get("bozo"), r.get("version"), r.get("feed"), r.get("entries"))
            )
        return out

    tuned = parse_all()
    monkeypatch.setattr(feedparser.api, "PREFERRED_XML_PARSERS", ["xml.sax.expatreader"])
    for name, function in untuned().items():
        monkeypatch.setattr(feedparser.mixin, name, function)
    assert type(xml.sax.make_parser(feedparser.api.PREFERRED_XML_PARSERS)).__name__ == "ExpatParser"
    stock = parse_all()
    differing = [t[0] for t, s in zip(tuned, stock, strict=True) if t != s]
    assert not differing, differing[:20]
