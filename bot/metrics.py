"""Prometheus metrics, served on /metrics: what an operator watches on a busy morning."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry(auto_describe=True)

POSTS_SENT = Counter("studybot_posts_sent", "Questions posted to a channel",
                     ["platform"], registry=REGISTRY)
SEND_FAILURES = Counter("studybot_post_send_failures", "Question posts that failed (retried later)",
                        ["platform"], registry=REGISTRY)
ANSWERS = Counter("studybot_answers", "Answer clicks by outcome (correct, wrong, repeat, refused)",
                  ["platform", "outcome"], registry=REGISTRY)
LOOKUPS = Counter("studybot_lookups", "Lookups, by whether an entry matched",
                  ["platform", "matched"], registry=REGISTRY)
COMMANDS = Counter("studybot_commands", "Commands and clicks by outcome (ok, refused, failed)",
                   ["platform", "command", "outcome"], registry=REGISTRY)
ANSWER_BATCH_SIZE = Histogram("studybot_answer_batch_size",
                              "Answers recorded together in one transaction (PostgreSQL)",
                              registry=REGISTRY, buckets=(1, 2, 5, 10, 20, 50, 100, 200))
TICK_SECONDS = Histogram("studybot_scheduler_tick_seconds", "Duration of a scheduler tick",
                         registry=REGISTRY, buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300))


def exposition() -> tuple[bytes, str]:
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
