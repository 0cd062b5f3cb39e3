"""Reply suggestions (seed 11): what the suggestion routes answer."""

from __future__ import annotations

from models.suggestions import SuggestionResult


class SuggestionSetView(SuggestionResult):
    """A set of drafts in three styles; `stale`: the customer wrote again after the message it answers, so
    read the new message before sending one."""

    workflow_id: str | None = None
