"""Choosing questions: spread over topics for practice, by weight for exams."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

PRACTICE_MIN, PRACTICE_MAX = 5, 50


def exam_allocation(
    weights: Mapping[str, int], available: Mapping[str, int], count: int
) -> dict[str, int]:
    """Split `count` questions over topics by weight (largest remainder), never
    asking a topic for more questions than it has; the rest goes to others."""
    usable = {t: w for t, w in weights.items() if w > 0 and available.get(t, 0) > 0}
    count = min(count, sum(available.get(t, 0) for t in usable))
    allocation = dict.fromkeys(usable, 0)
    remaining = count
    while remaining > 0 and usable:
        total = sum(usable.values())
        shares = {t: remaining * w / total for t, w in usable.items()}
        grant = {t: int(share) for t, share in shares.items()}
        leftover = remaining - sum(grant.values())
        by_remainder = sorted(usable, key=lambda t: (-(shares[t] - grant[t]), t))
        for topic in by_remainder[:leftover]:
            grant[topic] += 1
        for topic, extra in grant.items():
            room = available[topic] - allocation[topic]
            allocation[topic] += min(extra, room)
        remaining = count - sum(allocation.values())
        usable = {t: w for t, w in usable.items() if allocation[t] < available[t]}
    return allocation


def pick_by_allocation(
    pool: Mapping[str, Sequence[int]], allocation: Mapping[str, int], rng: random.Random
) -> list[int]:
    """Draw the allocated number of question ids from each topic, then shuffle."""
    chosen = []
    for topic, wanted in allocation.items():
        chosen.extend(rng.sample(list(pool[topic]), wanted))
    rng.shuffle(chosen)
    return chosen


def pick_spread(
    pool: Mapping[str, Sequence[int]], count: int, rng: random.Random
) -> list[int]:
    """Draw `count` question ids spread evenly over the topics in the pool."""
    queues = {t: rng.sample(list(ids), len(ids)) for t, ids in pool.items() if ids}
    chosen: list[int] = []
    while len(chosen) < count and queues:
        for topic in sorted(queues, key=lambda _: rng.random()):
            if len(chosen) >= count:
                break
            chosen.append(queues[topic].pop())
            if not queues[topic]:
                del queues[topic]
    rng.shuffle(chosen)
    return chosen


def weakest_topics(
    recent_scores: Mapping[str, float | None], all_topics: Sequence[str], how_many: int
) -> list[str]:
    """Return the topics to drill: lowest recent scores first, untried ones last."""
    ranked = sorted(
        all_topics,
        key=lambda t: (recent_scores.get(t) is None, recent_scores.get(t) or 0.0),
    )
    return ranked[: max(how_many, 1)]
