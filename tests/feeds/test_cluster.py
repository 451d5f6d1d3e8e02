"""Near-duplicate clustering: wire copies join the original, other stories on the same round do not."""

from __future__ import annotations

import hashlib

from bot.feeds.cluster import Clusterer, fingerprint, similar, similarity

ORIGINAL = """KYIV, June 2 (Reuters) - Ukrainian and Russian delegations met in Istanbul on Monday for a second round of direct talks, exchanging memorandums that set out their conditions for a ceasefire, officials from both sides said.

The meeting at the Ciragan Palace lasted a little over an hour. Turkish Foreign Minister Hakan Fidan opened the session and urged both sides to agree on steps towards a lasting truce.

Ukraine's delegation was led by Defence Minister Rustem Umerov, who said Kyiv had handed over its proposals in advance and expected Moscow to do the same. Russia's team was again headed by presidential aide Vladimir Medinsky.

The two sides agreed on a new exchange of prisoners of war, covering the youngest and the most seriously wounded soldiers, and on the return of the bodies of six thousand fallen servicemen, Umerov told reporters.

Medinsky said Russia had proposed a ceasefire of two to three days in some areas of the front line so that commanders could collect the bodies of the dead.

No date was set for a further round. Washington has said it wants to see progress before President Donald Trump decides whether to meet the Russian and Ukrainian leaders."""

# A republished wire copy: new headline line, a dateline tweak and the last paragraph cut.
WIRE_COPY = """Ukraine, Russia swap ceasefire terms in Istanbul

ISTANBUL, June 2 (Reuters) - Ukrainian and Russian delegations met in Istanbul on Monday for a second round of direct talks, exchanging memorandums that set out their conditions for a ceasefire, officials from both sides said.

The meeting at the Ciragan Palace lasted a little over an hour. Turkish Foreign Minister Hakan Fidan opened the session and urged both sides to agree on steps towards a lasting truce.

Ukraine's delegation was led by Defence Minister Rustem Umerov, who said Kyiv had handed over its proposals in advance and expected Moscow to do the same. Russia's team was again headed by presidential aide Vladimir Medinsky.

The two sides agreed on a new exchange of prisoners of war, covering the youngest and the most seriously wounded soldiers, and on the return of the bodies of six thousand fallen servicemen, Umerov told reporters.

Medinsky said Russia had proposed a ceasefire of two to three days in some areas of the front line so that commanders could collect the bodies of the dead."""

# Same round, same people, written independently.
OTHER_STORY = """Talks between Kyiv and Moscow in Istanbul ended after barely an hour on Monday with an agreement to swap more prisoners but no movement towards a ceasefire, according to people briefed on the session.

Rustem Umerov, Ukraine's defence minister, told journalists afterwards that the youngest captives and badly wounded troops would be exchanged first, and that Kyiv was waiting for Russia's written memorandum.

The Kremlin's negotiator Vladimir Medinsky floated short local truces along parts of the front, which Ukrainian officials dismissed as a tactic to buy time.

Hakan Fidan, Turkey's foreign minister, hosted the delegations at a palace on the Bosphorus and said another meeting could follow, without naming a date. In Washington, officials said President Trump was watching for results."""


def test_wire_copy_with_new_headline_and_trimmed_paragraph_is_similar() -> None:
    score = similarity(fingerprint(ORIGINAL), fingerprint(WIRE_COPY))
    assert score > 0.7
    assert similar(fingerprint(ORIGINAL), fingerprint(WIRE_COPY))


def test_different_story_about_the_same_round_is_not_similar() -> None:
    score = similarity(fingerprint(ORIGINAL), fingerprint(OTHER_STORY))
    assert score < 0.1
    assert not similar(fingerprint(ORIGINAL), fingerprint(OTHER_STORY))


def test_fingerprint_ignores_case_punctuation_and_spacing() -> None:
    assert fingerprint("Talks resume, in GENEVA!  Today.") == fingerprint(
        "talks resume in geneva today"
    )
    assert fingerprint("") == () and similarity((), fingerprint("x")) == 0.0


def test_fingerprint_is_stable_across_processes() -> None:
    # blake2b, not hash(): fingerprints can be stored and compared after a restart.
    expected = int.from_bytes(
        hashlib.blake2b(b"alpha beta gamma delta", digest_size=8).digest(), "big"
    )
    assert fingerprint("alpha beta gamma delta") == (expected,)


def test_clusterer_groups_copies_and_separates_stories() -> None:
    clusterer = Clusterer()
    assert clusterer.add("reuters", fingerprint(ORIGINAL)) == "reuters"
    assert clusterer.add("other", fingerprint(OTHER_STORY)) == "other"
    assert clusterer.add("copy", fingerprint(WIRE_COPY)) == "reuters"
    assert clusterer.add("copy", fingerprint(WIRE_COPY)) == "reuters"  # idempotent
    match = clusterer.best_match(fingerprint(WIRE_COPY))
    assert match is not None and match[0] == "reuters" and match[1] > 0.7


def test_clusterer_forgets_beyond_capacity() -> None:
    clusterer = Clusterer(capacity=2)
    clusterer.add(1, fingerprint(ORIGINAL))
    clusterer.add(2, fingerprint(OTHER_STORY))
    clusterer.add(
        3, fingerprint("an unrelated text about football results and the weather in spring")
    )
    assert len(clusterer) == 2
    assert clusterer.add(4, fingerprint(WIRE_COPY)) == 4  # the original was evicted


def test_clusterer_can_be_reloaded_with_known_clusters() -> None:
    clusterer = Clusterer()
    clusterer.add(10, fingerprint(ORIGINAL), cluster_id=7)
    assert clusterer.add(11, fingerprint(WIRE_COPY)) == 7


def test_copies_of_an_indexed_story_are_clustered_but_not_indexed() -> None:
    clusterer = Clusterer()
    clusterer.add("first", fingerprint(ORIGINAL))
    for n in range(50):
        assert clusterer.add(f"copy{n}", fingerprint(ORIGINAL + f" Copy {n}.")) == "first"
    assert len(clusterer) == 1  # the index holds one story, not 51 copies
    assert clusterer.add("rewrite", fingerprint(WIRE_COPY)) == "first"
