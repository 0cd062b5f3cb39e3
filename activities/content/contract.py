"""content-center's activities as workflows call them: every write of contents, accounts, publishes,
calendar runs, metrics, replications, knowledge lookups and the removal of unattached uploads.

Workflows import this module only (never SQLAlchemy) and call the methods by reference through
`workflows.calls.content`, so mypy checks that a call and its activity agree on input and output types.
`ContentActivities` implements it.
"""

from __future__ import annotations

from temporalio import activity

from models.approval import DecisionToRecord, RecordedDecision, ReviewNotice, ReviewPending
from models.brands import BrandContext, BrandQuery
from models.calendar import RunOutcome, RunPlan, RunStart
from models.content import ContentEdit, NewContent, SavedContent
from models.douyin_accounts import (
    AccountRef,
    AccountToSave,
    DeactivatedAccounts,
    Deactivation,
    ProfileUpdate,
    SavedAccount,
)
from models.knowledge import KnowledgeHits, KnowledgeQuery
from models.materials import (
    AgentMaterialQuery,
    BotMaterialHit,
    BotMaterialQuery,
    MaterialDelivery,
    MaterialDeliveryRequest,
    MaterialOffers,
)
from models.media import RemovedMedia, UnattachedMedia
from models.metrics import CandidateQuery, StoredSnapshots, StoreSnapshots, ViralCandidates
from models.proven import ProvenPatterns, ProvenQuery
from models.publish import (
    ClaimedItems,
    DraftQuery,
    EarlierAttempts,
    PublishDraft,
    PublishEvent,
    PublishKey,
    Settlement,
    StalePublishes,
    SweepInput,
)
from models.replication import BeginReplication, FinishReplication, ReplicationResult, ReplicationSource


class ContentCenter:
    """content-center on the `content-center` task queue. Every write is idempotent under retries."""

    # -- contents (seed 1-4) ------------------------------------------------------------------------

    @activity.defn
    async def save_new_content(self, new: NewContent) -> SavedContent:
        """A generated content, its first version and its assets, in one transaction."""
        raise NotImplementedError

    @activity.defn
    async def save_content_edit(self, edit: ContentEdit) -> SavedContent:
        """A new version (history is never rewritten), under an optimistic lock."""
        raise NotImplementedError

    # -- approval before publish ---------------------------------------------------------------------

    @activity.defn
    async def notify_reviewers(self, notice: ReviewNotice) -> ReviewPending:
        """Tells the tenant's approvers a version waits for them; says whether it still does."""
        raise NotImplementedError

    @activity.defn
    async def record_approval_decision(self, decision: DecisionToRecord) -> RecordedDecision:
        """A reviewer's approval or request for changes of one version, audited; a stale one is not applied."""
        raise NotImplementedError

    # -- brand profiles --------------------------------------------------------------------------

    @activity.defn
    async def load_brand(self, query: BrandQuery) -> BrandContext:
        """The current version of the brand a generation names; unknown or archived is non-retryable."""
        raise NotImplementedError

    # -- knowledge (seed 10, 11) ----------------------------------------------------------------------

    @activity.defn
    async def search_knowledge(self, query: KnowledgeQuery) -> KnowledgeHits:
        """The tenant's enabled entries that best answer what the customer wrote, and whether the first
        answers it well enough for the bot (else it hands off to a person)."""
        raise NotImplementedError

    # -- proven posts (seed 1) ----------------------------------------------------------------------

    @activity.defn
    async def load_proven_patterns(self, query: ProvenQuery) -> ProvenPatterns:
        """The hook patterns of the account's posts that outplayed its median, each with its evidence."""
        raise NotImplementedError

    # -- Douyin accounts (seed 7) -------------------------------------------------------------------

    @activity.defn
    async def save_douyin_account(self, new: AccountToSave) -> SavedAccount:
        """A bound account, or the tenant's existing one for the open_id rebound (same id, history kept)."""
        raise NotImplementedError

    @activity.defn
    async def save_douyin_profile(self, update: ProfileUpdate) -> None:
        """The latest fetched nickname, avatar and role."""
        raise NotImplementedError

    @activity.defn
    async def deactivate_douyin_accounts(self, change: Deactivation) -> DeactivatedAccounts:
        """Unbind one account or revoke an open_id's accounts: tokens wiped, rows and history kept."""
        raise NotImplementedError

    # -- publishing (seed 5) ------------------------------------------------------------------------

    @activity.defn
    async def load_publish_draft(self, query: DraftQuery) -> PublishDraft:
        """The content's current version as a Douyin post, with every rule it breaks."""
        raise NotImplementedError

    @activity.defn
    async def record_publish_event(self, event: PublishEvent) -> None:
        """A publish's state change and the content's status; a replayed `seq` changes nothing."""
        raise NotImplementedError

    @activity.defn
    async def claimed_publish_items(self, account: AccountRef) -> ClaimedItems:
        """Items other publishes already own on this Douyin user, so reconciliation never takes them."""
        raise NotImplementedError

    @activity.defn
    async def earlier_publish_attempts(self, key: PublishKey) -> EarlierAttempts:
        """Earlier runs of the key whose create outcome stayed unknown: a (re)start looks for their item."""
        raise NotImplementedError

    @activity.defn
    async def stale_publishes(self, sweep: SweepInput) -> StalePublishes:
        """Publishes left under review or unconfirmed, with the text and attempts to find their item by."""
        raise NotImplementedError

    @activity.defn
    async def settle_publish(self, settlement: Settlement) -> bool:
        """What Douyin (or an operator) says of a publish its run left open; False when nothing changed."""
        raise NotImplementedError

    # -- the calendar (seed 6) ----------------------------------------------------------------------

    @activity.defn
    async def begin_calendar_run(self, start: RunStart) -> RunPlan:
        """The run recorded once, and whether it may publish (entry, account and content re-checked)."""
        raise NotImplementedError

    @activity.defn
    async def update_calendar_run(self, outcome: RunOutcome) -> None:
        """The run's state; a final one tells the entry what the operator must know or fix."""
        raise NotImplementedError

    # -- deal materials (seed 17) ---------------------------------------------------------------------

    @activity.defn
    async def prepare_material_delivery(self, request: MaterialDeliveryRequest) -> MaterialDelivery:
        """Whether the material may go to the customer now, and how (an image, an item, or our tracked link)."""
        raise NotImplementedError

    @activity.defn
    async def find_bot_material(self, query: BotMaterialQuery) -> BotMaterialHit:
        """A FAQ answer or case study of a library open to the bot that answers an unanswered question."""
        raise NotImplementedError

    @activity.defn
    async def find_agent_materials(self, query: AgentMaterialQuery) -> MaterialOffers:
        """The materials an agent may send that answer the customer's words, for their reply suggestions."""
        raise NotImplementedError

    # -- media housekeeping --------------------------------------------------------------------------

    @activity.defn
    async def remove_unattached_media(self, batch: UnattachedMedia) -> RemovedMedia:
        """Uploads still attached to no content after the grace period: rows, then files."""
        raise NotImplementedError

    # -- metrics and viral replication (seed 8, 9) ---------------------------------------------------

    @activity.defn
    async def store_metric_snapshots(self, req: StoreSnapshots) -> StoredSnapshots:
        """A page of items: latest counts, a snapshot and the day's growth, in one transaction."""
        raise NotImplementedError

    @activity.defn
    async def viral_candidates(self, query: CandidateQuery) -> ViralCandidates:
        """Items young enough to judge, each with the account's median at its age."""
        raise NotImplementedError

    @activity.defn
    async def begin_replication(self, req: BeginReplication) -> ReplicationSource:
        """The hit claimed (or found done), with its source and the texts to stay away from."""
        raise NotImplementedError

    @activity.defn
    async def finish_replication(self, req: FinishReplication) -> ReplicationResult:
        """The variants recorded and the operators notified, once."""
        raise NotImplementedError
