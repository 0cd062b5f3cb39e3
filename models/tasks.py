"""Follow-up tasks (seed 16): a person's next step with a customer, with a due time, a reminder, an escalation
and a suggested script; what the task workflow, orchestration's activities, agent-center and the BFF exchange.

A task is made once per (tenant, source, source_ref), so a journey step, a score crossing or a handoff that is
retried never makes a second one. It closes itself when what it waits for happens: the customer replies or leaves
a lead, or, for a handoff's task, an agent takes the conversation over.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from models.brands import BrandContext
from models.customers import Level
from models.knowledge import KnowledgeHits

TaskSource = Literal["journey", "score", "handoff", "agent"]
TaskWait = Literal["reply", "lead", "takeover"]
TaskStatus = Literal["open", "snoozed", "done", "auto_closed", "cancelled"]
TaskOutcome = Literal["won", "lost", "no_answer", "other"]
OPEN_STATUSES: tuple[TaskStatus, ...] = ("open", "snoozed")
SCRIPT_MAX = 600


# -- the cross-part contract (journeys, scores and handoffs make tasks through it) ---------------------------


class NewFollowUpTask(BaseModel):
    """A task to make; `owner_user_id` None: the next available agent (round-robin), else an admin."""

    tenant_id: str
    customer_id: str
    account_id: str | None = None
    reason: str = Field(min_length=1, max_length=1000)
    source: TaskSource
    source_ref: str = Field(min_length=1, max_length=300, description="unique per tenant and source")
    due_at: datetime
    owner_user_id: str | None = None
    waiting_for: list[TaskWait] = Field(default_factory=list)


class FollowUpTaskRef(BaseModel):
    """The task made, or the one made before under the same (source, source_ref) (`created` False)."""

    task_id: str
    owner_user_id: str | None
    created: bool


# -- what the task knows when it is made ------------------------------------------------------------------


class ScoreReason(BaseModel):
    """One part of the score's explanation: what the customer did and what it weighs now."""

    event_type: str
    occurred_at: datetime
    points: float
    decayed: float


class LastMessage(BaseModel):
    author: str
    text: str
    at: datetime


class LeadFields(BaseModel):
    phone: str | None = None
    wechat: str | None = None
    name: str | None = None
    at: datetime


class TaskContext(BaseModel):
    """The customer as the task's creation saw them: the owner reads this, and the script is written from it."""

    customer_id: str
    nickname: str | None = None
    tags: list[str] = Field(default_factory=list)
    level: Level = "cold"
    score: float = 0.0
    explanation: list[ScoreReason] = Field(default_factory=list)
    last_messages: list[LastMessage] = Field(default_factory=list)
    leads: list[LeadFields] = Field(default_factory=list)
    brand: BrandContext | None = None


class FollowUpScriptJob(BaseModel):
    """agent-center's input for a task's suggested script."""

    tenant_id: str
    reason: str
    source: TaskSource
    waiting_for: list[TaskWait] = Field(default_factory=list)
    context: TaskContext
    knowledge: KnowledgeHits = Field(default_factory=KnowledgeHits)


class FollowUpScript(BaseModel):
    """What the owner might say; `cited` names the knowledge entries it rests on."""

    text: str = Field(min_length=1, max_length=SCRIPT_MAX)
    cited: list[str] = Field(default_factory=list)


class TaskScriptRecord(BaseModel):
    tenant_id: str
    task_id: str
    text: str
    cited: list[str] = Field(default_factory=list)
    findings: list[str] = Field(default_factory=list)
    blocked: bool = False


# -- the task workflow ---------------------------------------------------------------------------------------


class FollowUpTaskInput(BaseModel):
    tenant_id: str
    task_id: str
    remind_before_minutes: float = Field(default=30, ge=0)


class TaskKey(BaseModel):
    tenant_id: str
    task_id: str


class TaskState(BaseModel):
    """The row as the workflow needs it: whether it is open, when it is due and which timers fired for it."""

    task_id: str
    status: TaskStatus
    due_at: datetime
    owner_user_id: str | None
    waiting_for: list[TaskWait] = Field(default_factory=list)
    created_at: datetime
    reminded_for: datetime | None = Field(default=None, description="the due time the reminder was sent for")
    escalated_for: datetime | None = Field(default=None, description="the due time escalated")
    has_script: bool = False
    reason: str = ""
    source: TaskSource = "agent"
    context: TaskContext | None = None

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES


class TaskTimer(BaseModel):
    """A reminder or an escalation due now, for the due time the workflow knew (a moved task skips it)."""

    tenant_id: str
    task_id: str
    kind: Literal["reminder", "escalation"]
    due_at: datetime


class TaskSnooze(BaseModel):
    user_id: str
    until: datetime


class TaskReassign(BaseModel):
    user_id: str = Field(description="who reassigns")
    owner_user_id: str = Field(description="the new owner")


class TaskCompletion(BaseModel):
    user_id: str
    outcome: TaskOutcome
    note: str = Field(default="", max_length=2000)
    amount_fen: int | None = Field(default=None, description="a `won` outcome's deal amount")


class CustomerDid(BaseModel):
    """Something a task may wait for happened (signal `customer_did`): the customer replied (`reply`) or left a
    lead (`lead`), or an agent took the handed-off conversation over (`takeover`)."""

    kind: TaskWait
    at: datetime
    detail: str = ""


class TaskChange(BaseModel):
    """One change of a task, written by the workflow (which serialises them) through orchestration."""

    tenant_id: str
    task_id: str
    action: Literal["snooze", "reassign", "complete", "auto_close"]
    by: str | None = None
    until: datetime | None = None
    owner_user_id: str | None = None
    outcome: TaskOutcome | None = None
    note: str = ""
    amount_fen: int | None = None
    reason: str = ""
    at: datetime


class TaskEnd(BaseModel):
    status: TaskStatus
    reminders: int = 0
    escalations: int = 0


# -- read models -----------------------------------------------------------------------------------------------


class FollowUpTaskView(BaseModel):
    id: str
    customer_id: str
    account_id: str | None
    owner_user_id: str | None
    reason: str
    source: TaskSource
    source_ref: str
    waiting_for: list[TaskWait]
    status: TaskStatus
    due_at: datetime
    overdue: bool
    outcome: TaskOutcome | None
    outcome_note: str | None
    closed_reason: str | None
    closed_at: datetime | None
    script: str | None
    script_findings: list[str] = Field(default_factory=list)
    created_at: datetime


class FollowUpTaskDetail(FollowUpTaskView):
    context: TaskContext | None
    deal_id: str | None = Field(default=None, description="the deal a `won` outcome recorded")
