"""Feed watching end to end: local feed server → poller → store → outbox (both stores)."""

from __future__ import annotations

from datetime import timedelta

from bot.feeds.poller import Poller
from bot.feeds.schedule import backoff
from tests.fakes.feedserver import Reply, edited, item, rss_feed
from tests.polling.conftest import MOSCOW, SPORT, T0, World, talks_item

TALKS_TEXT = (
    "Ukrainian, U.S. and Russian negotiators will meet again in Abu Dhabi on February 1, "
    "a U.S. official said on Monday after two days of trilateral talks."
)


async def test_first_poll_stores_backlog_and_posts_nothing(world: World) -> None:
    await world.outbox.subscribe("console", "console", "updates", "console", now=T0)
    world.server.feed("/rss", rss_feed([talks_item("a1"), item("s1", "Football", html=SPORT)]))
    await world.add("/rss")
    stats = await world.poll()
    assert (stats.fetched, stats.new_entries, stats.relevant) == (1, 2, 1)
    assert stats.events >= 1
    assert await world.outbox.fan_out(world.clock.now()) == 0  # backlog: nothing posted
    world.server.feed(
        "/rss",
        rss_feed([talks_item("a1"), item("m1", "Putin meets Witkoff", html=MOSCOW, published=T0)]),
    )
    await world.due_later()
    stats = await world.poll()
    assert stats.new_entries == 1 and stats.relevant == 1 and stats.events >= 1
    assert await world.outbox.fan_out(world.clock.now()) >= 1  # later polls post what is new


async def test_edited_reordered_and_dropped_items_cause_no_duplicates_or_misses(
    world: World,
) -> None:
    a, b, c = (
        talks_item("a"),
        item("b", "Putin meets Witkoff", html=MOSCOW),
        item("c", "Football", html=SPORT),
    )
    world.server.feed("/rss", rss_feed([a, b, c]))
    await world.add("/rss")
    await world.poll()
    # edited title and date, reordered, one dropped, one new
    d = item("d", "Another football story", html=SPORT)
    world.server.feed(
        "/rss", rss_feed([d, edited(a, title="UPDATED: talks set for Abu Dhabi", published=T0), c])
    )
    await world.due_later()
    stats = await world.poll()
    assert stats.new_entries == 1  # only d
    assert world.repo.counts()["articles"] == 4


async def test_not_modified_uses_etag_and_skips_parsing(world: World) -> None:
    world.server.feed("/rss", rss_feed([talks_item("a")]), etag="auto")
    await world.add("/rss")
    await world.poll()
    await world.due_later()
    stats = await world.poll()
    assert stats.not_modified == 1 and stats.fetched == 0
    assert world.server.requests_for("/rss")[-1].headers.get("If-None-Match")


async def test_failures_back_off_then_disable_with_a_feed_health_event(world: World) -> None:
    await world.outbox.subscribe("discord", "g", "admin", "admins", now=T0)
    world.server.script("/dead", Reply(status=500))
    feed_id = await world.add("/dead")
    delays = []
    for _ in range(10):
        stats = await world.poll()
        assert stats.failed == 1
        row = await world.feeds.get(feed_id)
        delays.append(row.next_check_at - world.clock.now())
        world.clock.current = row.next_check_at
    row = await world.feeds.get(feed_id)
    assert row.status == "disabled" and row.disabled_reason == "http_500"
    assert row.consecutive_failures == 10 and "http_500" in row.last_error
    # exponential backoff (5 min × 2^n) once it exceeds the feed's 15-minute interval
    assert all(delays[n] >= backoff(n + 1) for n in range(10))
    assert delays[4] < delays[5] < delays[6] < delays[7]
    assert await world.outbox.fan_out(world.clock.now()) == 1
    (delivery,) = await world.outbox.due_deliveries("discord", world.clock.now())
    assert delivery.change.kind == "feed_disabled" and delivery.channel_id == "admins"
    assert (await world.poll()).feeds == 0  # a disabled feed is not polled


async def test_retry_after_is_honoured(world: World) -> None:
    world.server.script("/busy", Reply(status=429, headers={"Retry-After": "7200"}))
    feed_id = await world.add("/busy")
    await world.poll()
    row = await world.feeds.get(feed_id)
    assert row.next_check_at >= world.clock.now() + timedelta(seconds=7200)
    assert row.consecutive_failures == 1 and row.status == "active"


async def test_one_bad_feed_does_not_stop_the_others(world: World) -> None:
    world.server.feed("/good", rss_feed([talks_item("g")]))
    world.server.feed("/bad", b"<html>not a feed</html>", content_type="text/html")
    await world.add("/bad")
    await world.add("/good")
    stats = await world.poll()
    assert stats.feeds == 2 and stats.failed == 1 and stats.new_entries == 1


async def test_same_story_from_two_outlets_is_one_cluster(world: World) -> None:
    world.server.feed("/one", rss_feed([item("x1", "Putin meets Witkoff in Moscow", html=MOSCOW)]))
    world.server.feed(
        "/two",
        rss_feed(
            [item("y1", "Kremlin: Putin held talks with Witkoff", html=MOSCOW + "<p>Reuters</p>")]
        ),
    )
    await world.add("/one")
    await world.poll()
    await world.add("/two")
    await world.poll()
    meetings, _ = world.repo.meetings("all", T0.date())
    (m,) = [x for x in meetings if x.place == "Moscow"]
    full = world.repo.meeting(m.id)
    assert len(full.sources) == 2 and full.reports == 1  # two outlets, one story


async def test_claims_never_overlap(world: World) -> None:
    for i in range(6):
        world.server.feed(f"/f{i}", rss_feed([]))
        await world.add(f"/f{i}")
    first = await world.feeds.claim_due(T0, limit=4, lease=timedelta(minutes=5))
    second = await world.feeds.claim_due(T0, limit=4, lease=timedelta(minutes=5))
    assert len(first) == 4 and len(second) == 2
    assert not {f.id for f in first} & {f.id for f in second}


async def test_why_explains_articles(world: World) -> None:
    world.server.feed(
        "/rss",
        rss_feed(
            [talks_item("a"), item("s", "Football", html=SPORT, link="https://news.test/sport")]
        ),
    )
    await world.add("/rss")
    await world.poll()
    assert (await world.admin.why("https://news.test/nothing")).startswith("Not seen")
    sport = await world.admin.why("https://news.test/sport?utm_source=x")
    assert "Not about the talks" in sport
    talks = await world.admin.why("https://news.test/a")
    assert "Relevant" in talks and "fact(s) extracted" in talks and "backlog" in talks


async def test_summary_only_entries_get_the_article_page_text(world: World) -> None:
    page = (
        "<html><head><title>Talks</title></head><body><nav>Home | World</nav><article><h1>Talks</h1>"
        + "".join(
            f"<p>{TALKS_TEXT} Paragraph {i} adds detail on the negotiating teams.</p>"
            for i in range(6)
        )
        + "</article><footer>© Outlet</footer></body></html>"
    ).encode()
    world.server.feed("/story", page, content_type="text/html; charset=utf-8")
    world.server.feed("/broken", b"", content_type="text/html")
    world.server.feed("/rss", rss_feed([]))
    await world.add("/rss")
    await world.poll()  # backlog done
    summary = "Negotiators will meet again."
    world.server.feed(
        "/rss",
        rss_feed([
            item("full", "Talks set for Abu Dhabi", html=summary, link=world.server.url("/story")),
            item("nopage", "Talks set for Abu Dhabi (2)", html=summary, link=world.server.url("/broken")),
        ]),
    )  # fmt: skip
    world.poller.policy.full_text = True
    await world.due_later()
    stats = await world.poll()
    assert stats.new_entries == 2
    full = world.repo.find_article("", world.server.url("/story"))
    fallback = world.repo.find_article("", world.server.url("/broken"))
    assert "Abu Dhabi on February 1" in full.text and "Home | World" not in full.text
    assert full.relevant
    assert fallback.text == summary  # the page failed: the summary stays


async def test_clusters_survive_a_restart(world: World) -> None:
    world.server.feed("/one", rss_feed([item("x1", "Putin meets Witkoff in Moscow", html=MOSCOW)]))
    world.server.feed(
        "/two", rss_feed([item("y1", "Putin meets Witkoff in Moscow", html=MOSCOW + "<p>AFP</p>")])
    )
    await world.add("/one")
    await world.poll()
    restarted = Poller(world.feeds, world.poller.tracker, world.poller.fetcher, world.poller.policy)
    await world.add("/two")
    await restarted.poll_due()
    meetings, _ = world.repo.meetings("all", T0.date())
    (m,) = [x for x in meetings if x.place == "Moscow"]
    full = world.repo.meeting(m.id)
    assert len(full.sources) == 2 and full.reports == 1


async def test_batches_overlap_and_every_due_feed_is_polled_once(world: World) -> None:
    world.poller.policy.batch = 4  # claims of 4, the next one while 2 are still in flight
    progress: list[int] = []
    world.poller.progress = lambda done, _stats: progress.append(done)
    for i in range(11):
        world.server.feed(f"/b{i}", rss_feed([item(f"b{i}", f"Story {i}", html=SPORT)]))
        await world.add(f"/b{i}")
    stats = await world.poll()
    assert (stats.feeds, stats.fetched, stats.new_entries) == (11, 11, 11)
    assert sorted(r.path for r in world.server.requests) == sorted(f"/b{i}" for i in range(11))
    assert progress == sorted(progress) and progress[-1] == 11 and len(progress) >= 3
    assert (await world.poll()).feeds == 0  # every outcome recorded: nothing is due again
