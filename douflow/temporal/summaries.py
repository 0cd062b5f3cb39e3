"""The one-line summary each run shows in the Temporal UI's list, so operators can tell runs apart.

Pure functions, for the BFF, schedules and workflow code alike. A summary is a payload (encoded like any
other), so it may name a content's title; ids and search attributes never do.
"""

from __future__ import annotations

SUMMARY_MAX = 120


def summary(text: str) -> str:
    """One line, short enough for the list."""
    line = " ".join(text.split())
    return line if len(line) <= SUMMARY_MAX else line[: SUMMARY_MAX - 1] + "…"


def titled(title: str | None, content_id: str) -> str:
    """A content as a person recognises it: its title, or its id when it has none."""
    return f"\u300c{title}\u300d" if title and title.strip() else f"content {content_id}"


def publish_summary(title: str | None, content_id: str, account_id: str) -> str:
    return summary(f"Publish {titled(title, content_id)} to Douyin account {account_id}")


def calendar_summary(title: str | None, content_id: str, account_id: str, when: str) -> str:
    return summary(f"Calendar: publish {titled(title, content_id)} {when} to Douyin account {account_id}")


def token_summary(account_id: str) -> str:
    return summary(f"Keep the tokens of Douyin account {account_id} alive")


def replication_summary(item_id: str, ratio: float, metric: str, account_id: str) -> str:
    return summary(
        f"Replicate hit {item_id} ({ratio:.1f}x the median {metric}) of Douyin account {account_id}"
    )
