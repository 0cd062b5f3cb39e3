"""content-center's one activity class, built once per worker from its sessionmaker."""

from __future__ import annotations

from activities.content.accounts import AccountActivities
from activities.content.approvals import ApprovalActivities
from activities.content.brands import BrandActivities
from activities.content.calendar import CalendarActivities
from activities.content.contents import ContentsActivities
from activities.content.knowledge import KnowledgeActivities
from activities.content.materials import MaterialActivities
from activities.content.media import MediaActivities
from activities.content.metrics import MetricsActivities
from activities.content.proven import ProvenActivities
from activities.content.publishing import PublishingActivities
from activities.content.replication import ReplicationActivities


class ContentActivities(
    ContentsActivities,
    ApprovalActivities,
    BrandActivities,
    KnowledgeActivities,
    MaterialActivities,
    ProvenActivities,
    AccountActivities,
    PublishingActivities,
    CalendarActivities,
    MetricsActivities,
    ReplicationActivities,
    MediaActivities,
):
    """Every activity of `ContentCenter`, one group of them per area."""
