"""When an item on Douyin can be the one a create of unknown outcome made.

Only an item created while the create could still land counts: from the moment it was sent to the
create's own timeout, with an allowance for the skew between our clock and Douyin's either side. A post
with the same text made outside every bracket is someone else's, however alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from douflow.temporal import policies

# Allowance between our clock and Douyin's when comparing an item's create_time with an attempt.
SKEW_SECONDS = 30


def made_during(create_time: int, attempts: Sequence[datetime]) -> bool:
    longest = policies.DOUYIN_CREATE.timeout.total_seconds()
    return any(
        at.timestamp() - SKEW_SECONDS <= create_time <= at.timestamp() + longest + SKEW_SECONDS
        for at in attempts
    )
