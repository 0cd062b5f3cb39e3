"""orchestration-service's own activities as its workflows call them (through `workflows.calls.orchestration`).

They run on the `orchestration` queue beside the workflows because they need the Temporal client itself
(creating schedules), which workflow code cannot hold. `OrchestrationActivities` implements them.
"""

from __future__ import annotations

from temporalio import activity

from models.comments import CommentOutcome, CommentStored, CommentTriageInput
from models.conversations import (
    Assignment,
    AssignRequest,
    HandoffNotice,
    MessageRecord,
    OpenConversation,
    OpenedConversation,
    StateChange,
)
from models.customers import BehaviourBatch, CustomerSnapshot, FanAction, FanActionRecorded
from models.journeys import (
    ActionOutcome,
    CustomerFacts,
    EnrolmentFinish,
    FactsRequest,
    JourneyAction,
    JourneyMaterialRequest,
    JourneySendOutcome,
    JourneySendRequest,
    JourneySteps,
    SendAllowance,
    SendAllowed,
    SendSettled,
    Unsubscribe,
)
from models.notifications import DigestPost, DigestPosted, NewNotification
from models.replication import ScheduleVariants, VariantSchedule
from models.suggestions import SuggestionBatch, SuggestionContext, SuggestionInput, SuggestionResult
from models.tasks import (
    FollowUpTaskRef,
    NewFollowUpTask,
    TaskChange,
    TaskKey,
    TaskScriptRecord,
    TaskState,
    TaskTimer,
)


class Orchestration:
    """orchestration-service's activities on the `orchestration` task queue."""

    @activity.defn
    async def schedule_replication_variants(self, req: ScheduleVariants) -> VariantSchedule:
        """Each publishable variant once as a one-off calendar entry at the account's next free slots."""
        raise NotImplementedError

    # -- customer conversations (seed 10-14): orchestration's own store ------------------------------

    @activity.defn
    async def open_conversation(self, req: OpenConversation) -> OpenedConversation:
        """The customer and conversation rows, the tenant's pause setting and the brand the account speaks for."""
        raise NotImplementedError

    @activity.defn
    async def record_conversation_message(self, record: MessageRecord) -> None:
        """One message of the transcript, written once under its id."""
        raise NotImplementedError

    @activity.defn
    async def change_conversation_state(self, change: StateChange) -> None:
        """The workflow's state mirrored on the row, for lists and the BFF."""
        raise NotImplementedError

    @activity.defn
    async def assign_conversation(self, req: AssignRequest) -> Assignment:
        """The waiting conversation given to the next available agent under the cap, if there is one."""
        raise NotImplementedError

    @activity.defn
    async def notify_handoff(self, notice: HandoffNotice) -> None:
        """The tenant's agents are told a conversation waits for a person, and why."""
        raise NotImplementedError

    # -- comments on the accounts' items (seed 10) ----------------------------------------------------

    @activity.defn
    async def record_comment(self, comment: CommentTriageInput) -> CommentStored:
        """The comment's row (made once) and the brand its account speaks for."""
        raise NotImplementedError

    @activity.defn
    async def record_comment_outcome(self, outcome: CommentOutcome) -> None:
        """What triage did with the comment; the tenant's agents are told when a person should look."""
        raise NotImplementedError

    # -- reply suggestions (seed 11) ------------------------------------------------------------------

    @activity.defn
    async def load_suggestion_context(self, req: SuggestionInput) -> SuggestionContext:
        """The customer's unanswered messages, the transcript before them, the latest customer message's id
        (what the set answers) and the brand the account speaks for."""
        raise NotImplementedError

    @activity.defn
    async def record_suggestions(self, batch: SuggestionBatch) -> SuggestionResult:
        """The set, written once; stale when the customer wrote again since `based_on`."""
        raise NotImplementedError

    # -- customers' behaviour, scores and leads (seed 12, 13) ---------------------------------------------

    @activity.defn
    async def record_customer_behaviour(self, batch: BehaviourBatch) -> CustomerSnapshot:
        """Records a customer's events and the leads their messages carry, scores them and fires threshold
        actions once per crossing; what a conversation needs to decide on asking for contact details."""
        raise NotImplementedError

    @activity.defn
    async def record_fan_action(self, action: FanAction) -> FanActionRecorded:
        """A like or a follow of one of the tenant's accounts, as the fan's behaviour event (nothing when
        neither user is a fan of an account the tenant holds)."""
        raise NotImplementedError

    # -- follow-up tasks and notifications (seed 16) --------------------------------------------------------

    @activity.defn
    async def create_follow_up_task(self, new: NewFollowUpTask) -> FollowUpTaskRef:
        """The task (once per tenant, source and source_ref) with its owner and context snapshot, and its
        reminder/escalation run started; a repeated creation answers the task made before."""
        raise NotImplementedError

    @activity.defn
    async def load_follow_up_task(self, key: TaskKey) -> TaskState:
        """The task as its run needs it, with the context snapshot (what its script is written from)."""
        raise NotImplementedError

    @activity.defn
    async def record_task_script(self, record: TaskScriptRecord) -> None:
        """The suggested script, as compliance left it (none when it blocked it)."""
        raise NotImplementedError

    @activity.defn
    async def fire_task_timer(self, timer: TaskTimer) -> TaskState:
        """The owner's reminder or the admins' escalation, once per due time; nothing when the task moved or
        closed meanwhile."""
        raise NotImplementedError

    @activity.defn
    async def change_follow_up_task(self, change: TaskChange) -> TaskState:
        """Snooze, reassign, complete or auto-close, by the task's rules (TaskChangeRefused otherwise)."""
        raise NotImplementedError

    @activity.defn
    async def send_notification(self, new: NewNotification) -> None:
        """An in-app notification to the users named (else to the audience, resolved now), also handed to the
        tenant's webhooks that take its kind; written once per calling activity, however often retried."""
        raise NotImplementedError

    @activity.defn
    async def post_notification_digest(self, post: DigestPost) -> DigestPosted:
        """One message for the digest's notifications to the webhook's group robot, signed where it signs."""
        raise NotImplementedError

    # -- customer journeys (seed 15) ------------------------------------------------------------------

    @activity.defn
    async def journey_customer_facts(self, req: FactsRequest) -> CustomerFacts:
        """The customer as a journey's condition reads them: score and level now, tags, profile, lead fields."""
        raise NotImplementedError

    @activity.defn
    async def record_journey_steps(self, steps: JourneySteps) -> None:
        """Nodes an enrolment passed, each once under (enrolment, seq); the enrolment's current node follows."""
        raise NotImplementedError

    @activity.defn
    async def finish_journey_enrolment(self, finish: EnrolmentFinish) -> None:
        """The last steps, then the enrolment row ends with its reason (unless it ended before: unenrolled)."""
        raise NotImplementedError

    @activity.defn
    async def run_journey_action(self, action: JourneyAction) -> ActionOutcome:
        """add_points, tag, handover, notify, enrol: done once under the action's key."""
        raise NotImplementedError

    @activity.defn
    async def send_journey_message(self, req: JourneySendRequest) -> JourneySendOutcome:
        """The customer's conversation with the account (started if none runs) is asked to send, by its
        `journey_send` update under the step key: a retry never sends twice."""
        raise NotImplementedError

    @activity.defn
    async def send_journey_material(self, req: JourneyMaterialRequest) -> JourneySendOutcome:
        """A library material to the customer through their conversation (update `send_material` under the step
        key), counted against the same caps as a journey message; refused with the reason when it may not go."""
        raise NotImplementedError

    @activity.defn
    async def allow_journey_send(self, req: SendAllowance) -> SendAllowed:
        """Whether a journey message may go to the customer now (unsubscribed, the account's scope, the tenant's
        daily cap and Douyin's proactive limit, counted atomically); the same answer for the same step key."""
        raise NotImplementedError

    @activity.defn
    async def return_journey_send(self, settled: SendSettled) -> None:
        """A granted send that did not go out gives its count back."""
        raise NotImplementedError

    @activity.defn
    async def unsubscribe_customer(self, req: Unsubscribe) -> int:
        """The customer wants no more messages: marked, and every running enrolment told; how many."""
        raise NotImplementedError
