"""agent-center's activities as workflows call them: every intelligent step of the platform.

Workflows import this module only (never the providers, httpx or the OpenAI SDK) and call the methods
by reference through `workflows.calls.agent`, so mypy checks that a call and its activity agree on
input and output types. `AgentActivities` implements it.
"""

from __future__ import annotations

from temporalio import activity

from models.comments import CommentDecision, CommentJob
from models.conversations import CheckedMessage, OutgoingCheck, ReplyDecision, ReplyJob
from models.customers import DetectedIntents, IntentJob, LeadAskJob, LeadAskText
from models.generation import (
    ComplianceReport,
    ComplianceRequest,
    CopyJob,
    GeneratedImage,
    ImagePostDraft,
    ImagePostJob,
    ImageRequest,
    PlatformCopy,
    TitleJob,
    TitleResult,
    VideoScript,
    VideoScriptJob,
)
from models.replication import VariantRequest, VariantResult
from models.suggestions import SuggestionJob, SuggestionSet
from models.tasks import FollowUpScript, FollowUpScriptJob


class AgentCenter:
    """agent-center on the `agent-center` task queue."""

    @activity.defn
    async def generate_titles(self, req: TitleJob) -> TitleResult:
        """Title candidates within the platform's limit (seed 1)."""
        raise NotImplementedError

    @activity.defn
    async def generate_copy(self, req: CopyJob) -> PlatformCopy:
        """One platform's copy, within its rules (seed 2)."""
        raise NotImplementedError

    @activity.defn
    async def generate_image_post(self, req: ImagePostJob) -> ImagePostDraft:
        """An image post's text and the description of each image (seed 3)."""
        raise NotImplementedError

    @activity.defn
    async def generate_video_script(self, req: VideoScriptJob) -> VideoScript:
        """A structured script: hook, shots with lines and timing, call to action (seed 4)."""
        raise NotImplementedError

    @activity.defn
    async def check_compliance(self, req: ComplianceRequest) -> ComplianceReport:
        """Advertising-law findings in every text field, before anything is saved."""
        raise NotImplementedError

    @activity.defn
    async def create_image(self, req: ImageRequest) -> GeneratedImage:
        """One image, stored in the media store; only its key travels back."""
        raise NotImplementedError

    @activity.defn
    async def generate_variants(self, req: VariantRequest) -> VariantResult:
        """Variants of a hit that keep its hook and differ from the account's recent texts (seed 9)."""
        raise NotImplementedError

    # -- customer conversations (seed 10) -----------------------------------------------------------

    @activity.defn
    async def decide_reply(self, job: ReplyJob) -> ReplyDecision:
        """The bot's structured decision on a customer's new messages, grounded in the knowledge hits."""
        raise NotImplementedError

    @activity.defn
    async def triage_comment(self, job: CommentJob) -> CommentDecision:
        """What the account says in public under a customer's comment: an answer, an invitation to private
        messages, nothing, or a person."""
        raise NotImplementedError

    @activity.defn
    async def check_outgoing_message(self, message: OutgoingCheck) -> CheckedMessage:
        """A message for a customer, rewritten or blocked by the compliance rules, with what was found."""
        raise NotImplementedError

    # -- reply suggestions (seed 11) ----------------------------------------------------------------

    @activity.defn
    async def suggest_replies(self, job: SuggestionJob) -> SuggestionSet:
        """Three drafts for an agent, one per style, grounded in the knowledge hits and the brand, with
        citations; holding replies that cite nothing when no entry answers the customer."""
        raise NotImplementedError

    # -- intent scoring and lead capture (seed 12, 13) ------------------------------------------------

    @activity.defn
    async def detect_customer_intents(self, job: IntentJob) -> DetectedIntents:
        """The question kinds (price, purchase, booking, address) and refusals in each customer message."""
        raise NotImplementedError

    @activity.defn
    async def compose_lead_ask(self, job: LeadAskJob) -> LeadAskText:
        """The bot's line asking for contact details, sent after its answer (alone, or before a card)."""
        raise NotImplementedError

    # -- follow-up tasks (seed 16) --------------------------------------------------------------------------

    @activity.defn
    async def suggest_follow_up_script(self, job: FollowUpScriptJob) -> FollowUpScript:
        """What a task's owner might say to the customer, from the task's context, grounded in the brand the
        account speaks for and the knowledge hits (cited)."""
        raise NotImplementedError
