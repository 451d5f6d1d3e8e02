"""Natural keys: GUID, else canonical URL without tracking parameters, else a content hash."""

from __future__ import annotations

import pytest

from bot.feeds.keys import canonical_url, content_hash, entry_key


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://News.Example.COM/a/b?utm_source=x&utm_medium=rss#top",
            "https://news.example.com/a/b",
        ),
        ("https://x.test/a?b=2&a=1&fbclid=abc&gclid=z", "https://x.test/a?a=1&b=2"),
        ("http://x.test:80/a", "http://x.test/a"),
        ("https://x.test:443/a", "https://x.test/a"),
        ("https://x.test:8443/a", "https://x.test:8443/a"),
        ("https://x.test", "https://x.test/"),
        ("https://x.test/a?id=5&mc_cid=1&_ga=2&ocid=3&UTM_CAMPAIGN=4", "https://x.test/a?id=5"),
        ("https://x.test./a?q=", "https://x.test/a?q="),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_key_prefers_guid_then_url_then_hash() -> None:
    assert entry_key("urn:uuid:1", "https://x.test/a", "t", "x") == "guid:urn:uuid:1"
    assert entry_key(None, "https://X.test/a?utm_source=y", "t", "x") == "url:https://x.test/a"
    assert entry_key("  ", "javascript:void(0)", "Title", "Text").startswith("hash:")


def test_same_story_with_tracking_params_gets_one_key() -> None:
    a = entry_key(None, "https://x.test/story?id=7&utm_source=twitter", "A", "")
    b = entry_key(None, "https://x.test/story?utm_medium=rss&id=7#comments", "B", "")
    assert a == b


def test_hash_key_ignores_whitespace_and_case_but_not_words() -> None:
    assert content_hash("Talks  resume", "In Geneva\n") == content_hash("talks resume", "in geneva")
    assert content_hash("Talks resume", "In Geneva") != content_hash("Talks resume", "In Riyadh")


def test_plain_guid_is_scoped_by_feed_and_long_keys_are_hashed() -> None:
    assert entry_key("42", None, "", "", scope="https://a.test/feed") != entry_key(
        "42", None, "", "", scope="https://b.test/feed"
    )
    long_key = entry_key("urn:" + "x" * 1000, None, "", "")
    assert long_key.startswith("guid-sha256:") and len(long_key) < 100
