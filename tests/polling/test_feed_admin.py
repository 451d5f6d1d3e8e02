"""Feed administration through the chat command layer and the CLI."""

from __future__ import annotations

import pytest

from bot.__main__ import main
from bot.chat.replies import Actor, CommandRequest
from bot.feeds.opml import OPMLError, parse_opml, to_opml
from tests.fakes.feedserver import FeedServer, billion_laughs, html_page_with_feed_link, rss_feed
from tests.polling.conftest import World, talks_item


def req(name: str, **options) -> CommandRequest:
    return CommandRequest(name=name, options=options)


async def test_add_validates_and_discovers_feeds(world: World) -> None:
    world.server.feed("/rss", rss_feed([talks_item("a")], title="Wire"))
    world.server.feed(
        "/page", html_page_with_feed_link(world.server.url("/rss")), content_type="text/html"
    )
    world.server.feed("/notfeed", b"<html><body>hello</body></html>", content_type="text/html")
    reply = await world.admin.command("feeds add", req("feeds add", url=world.server.url("/page")))
    assert not reply.error and "Wire" in reply.text and "found on" in reply.text
    assert (await world.feeds.all())[0].url == world.server.url("/rss")
    again = await world.admin.command("feeds add", req("feeds add", url=world.server.url("/rss")))
    assert again.error and "already watched" in again.text
    bad = await world.admin.command("feeds add", req("feeds add", url=world.server.url("/notfeed")))
    assert bad.error and "Cannot add" in bad.text
    ftp = await world.admin.command("feeds add", req("feeds add", url="ftp://example.org/feed"))
    assert ftp.error


async def test_pause_resume_remove_and_list(world: World) -> None:
    world.server.feed("/rss", rss_feed([]))
    feed_id = await world.add("/rss")
    paused = await world.admin.command("feeds pause", req("feeds pause", feed=f"#{feed_id}"))
    assert "paused" in paused.text and (await world.poll()).feeds == 0
    listing = await world.admin.command("feeds list", req("feeds list"))
    assert "paused" in listing.text and "entries seen" in listing.text
    await world.admin.command("feeds resume", req("feeds resume", feed="rss"))
    assert (await world.poll()).feeds == 1
    listing = await world.admin.command("feeds list", req("feeds list"))
    assert "last success 0s ago" in listing.text
    gone = await world.admin.command(
        "feeds remove", req("feeds remove", feed=world.server.url("/rss"))
    )
    assert "Removed" in gone.text and await world.feeds.all() == []
    missing = await world.admin.command("feeds pause", req("feeds pause", feed="#999"))
    assert missing.error and "No single feed" in missing.text


async def test_non_admins_are_refused(world: World, engine) -> None:
    from bot.chat.commands import Commands

    commands = Commands(world.poller.tracker, world.outbox, feeds=world.admin)
    reply = await commands.handle(
        CommandRequest(
            "feeds add", {"url": "https://x"}, actor=Actor("u1", is_admin=False), platform="discord"
        )
    )
    assert reply.error and reply.ephemeral and "Only admins" in reply.text
    assert await world.feeds.all() == []


async def test_private_addresses_are_refused_without_the_setting(
    engine, monkeypatch, capsys, db_url
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    async with FeedServer() as server:
        server.feed("/rss", rss_feed([]))
        code = await _main_async(["feeds", "add", server.url("/rss")])
    out = capsys.readouterr().out
    assert code == 1 and "blocked_address" in out


async def _main_async(argv: list[str]) -> int:
    import asyncio

    return await asyncio.to_thread(main, argv)


async def test_cli_add_poll_list_export_import(monkeypatch, capsys, db_url, tmp_path) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("PARLEY_ALLOW_PRIVATE_FEEDS", "1")
    async with FeedServer() as server:
        server.feed("/a", rss_feed([talks_item("a")], title="Feed A"))
        server.feed("/b", rss_feed([], title="Feed B"))
        assert await _main_async(["feeds", "add", server.url("/a")]) == 0
        assert await _main_async(["poll", "--once"]) == 0
        out = capsys.readouterr().out
        assert "new entries" in out and "change events" in out
        assert await _main_async(["feeds", "export"]) == 0
        opml = capsys.readouterr().out
        assert parse_opml(opml.encode()) == [(server.url("/a"), "Feed A")]
        src = tmp_path / "in.opml"
        src.write_text(to_opml([(server.url("/a"), "A"), (server.url("/b"), "B")]))
        assert await _main_async(["feeds", "import", str(src)]) == 1  # /a is already watched
        out = capsys.readouterr().out
        assert "imported 1 of 2 feeds" in out
        assert await _main_async(["feeds", "list"]) == 0
        assert "#2 B — active" in capsys.readouterr().out  # the OPML title names it


def test_opml_refuses_entity_bombs_and_non_opml() -> None:
    with pytest.raises(OPMLError):
        parse_opml(billion_laughs())
    with pytest.raises(OPMLError, match="root element"):
        parse_opml(b"<rss/>")
