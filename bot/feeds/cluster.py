"""Near-duplicate detection for articles (wire copies, light rewrites): bottom-k MinHash.

A fingerprint is the k smallest 64-bit hashes of the text's word 4-shingles. Two
fingerprints estimate the Jaccard similarity of the shingle sets; wire copies with a new
headline or a trimmed paragraph score high, different stories on the same topic share
almost no 4-word runs. Pure and fast: one hash per shingle, no per-permutation work.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from itertools import chain

SHINGLE_WORDS = 4
SKETCH_SIZE = 128
THRESHOLD = 0.5
COPY = 0.9  # at least this similar to an indexed article: a copy, not indexed again
_WORD = re.compile(r"\w+")

Fingerprint = tuple[int, ...]


def _hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")


def fingerprint(text: str, *, k: int = SKETCH_SIZE, shingle: int = SHINGLE_WORDS) -> Fingerprint:
    """Return the sorted bottom-k sketch of ``text``'s word shingles (empty for empty text)."""
    words = _WORD.findall(text.casefold())
    if not words:
        return ()
    count = max(1, len(words) - shingle + 1)
    hashes = {_hash(" ".join(words[i : i + shingle])) for i in range(count)}
    return tuple(sorted(hashes)[:k])


def similarity(a: Fingerprint, b: Fingerprint, *, k: int = SKETCH_SIZE) -> float:
    """Estimate the Jaccard similarity of the texts behind two fingerprints."""
    if not a or not b:
        return 0.0
    set_a, set_b = set(a), set(b)
    union = sorted(set_a | set_b)[:k]
    shared = sum(1 for h in union if h in set_a and h in set_b)
    return shared / len(union)


def similar(a: Fingerprint, b: Fingerprint, threshold: float = THRESHOLD) -> bool:
    """Say whether two fingerprints belong to near-duplicate texts."""
    return similarity(a, b) >= threshold


@dataclass
class Clusterer:
    """Assign articles to clusters of near-duplicates among the most recent ``capacity`` ones."""

    threshold: float = THRESHOLD
    capacity: int = 5000
    _order: deque[Hashable] = field(default_factory=deque)
    _prints: dict[Hashable, Fingerprint] = field(default_factory=dict)
    _cluster: dict[Hashable, Hashable] = field(default_factory=dict)
    _index: dict[int, set[Hashable]] = field(default_factory=dict)

    def best_match(self, fp: Fingerprint) -> tuple[Hashable, float] | None:
        """Return (cluster id, similarity) of the closest recent article over the threshold."""
        index = self._index
        hits = Counter(chain.from_iterable(index[h] for h in fp if h in index))
        # Similarity s needs about s*k shared sketch values; look only at plausible candidates.
        floor = max(1, int(len(fp) * self.threshold * 0.5))
        best: tuple[Hashable, float] | None = None
        for item_id, count in hits.most_common():
            if count < floor:
                break
            score = similarity(fp, self._prints[item_id])
            if score >= self.threshold and (best is None or score > best[1]):
                best = (self._cluster[item_id], score)
        return best

    def add(
        self,
        item_id: Hashable,
        fp: Fingerprint,
        cluster_id: Hashable | None = None,
        similarity: float | None = None,
    ) -> Hashable:
        """Record an article and return its cluster id (a match's cluster, or its own id).

        ``cluster_id`` and ``similarity`` come from an earlier ``best_match``. A copy of an
        article already indexed (similarity ≥ COPY) is not indexed itself: a story
        republished a thousand times must not make every later match slower.
        """
        if item_id in self._prints:
            return self._cluster[item_id]
        if cluster_id is None:
            match = self.best_match(fp)
            cluster_id, similarity = (match[0], match[1]) if match else (item_id, None)
        if similarity is not None and similarity >= COPY and cluster_id != item_id:
            return cluster_id
        self._order.append(item_id)
        self._prints[item_id] = fp
        self._cluster[item_id] = cluster_id
        for h in fp:
            self._index.setdefault(h, set()).add(item_id)
        while len(self._order) > self.capacity:
            self._forget(self._order.popleft())
        return cluster_id

    def _forget(self, item_id: Hashable) -> None:
        for h in self._prints.pop(item_id, ()):
            members = self._index.get(h)
            if members is not None:
                members.discard(item_id)
                if not members:
                    del self._index[h]
        self._cluster.pop(item_id, None)

    def __len__(self) -> int:
        return len(self._prints)
