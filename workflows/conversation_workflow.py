"""A customer's private-message conversation with a bound account (seed 10, 14): one run per (account, customer).

Ownership lives here, not in a prompt. The bot answers only while it owns the conversation and no human reply
paused it, and it checks that again after deciding and right before sending; a takeover is acknowledged only
when no bot send is in flight, so nothing the bot sends follows an acknowledged takeover. A burst of
messages gets one answer (the debounce). A send whose outcome is unknown is never repeated: the `im_send_msg`
echo of our own client key confirms it, or it stays `unconfirmed` for an agent. Quiet for the idle time, the
conversation closes; the next message starts a new run that reopens it with the bot and a short summary.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.agent.contract import AgentCenter
    from activities.content.contract import ContentCenter
    from activities.douyin.contract import DouyinConnector
    from activities.orchestration.contract import Orchestration
    from douflow.temporal import errors, policies
    from douflow.temporal.search import CONVERSATION_STATE, CUSTOMER_ID, Feature, tag_updates
    from models.conversations import (
        AgentReply,
        AgentReplyResult,
        AssignRequest,
        CarriedState,
        ConversationInput,
        ConversationState,
        ConversationStatus,
        EnteredChat,
        HandoffNotice,
        InboundMessage,
        MessageAuthor,
        MessageRecord,
        MessageStatus,
        OpenConversation,
        OpenedConversation,
        OutgoingCheck,
        Release,
        ReplyAction,
        ReplyDecision,
        ReplyJob,
        SentEcho,
        StateChange,
        Takeover,
        Turn,
    )
    from models.customers import (
        HIGH_INTENT_QUESTIONS,
        BehaviourBatch,
        BehaviourEvent,
        CustomerSaid,
        CustomerSnapshot,
        EventType,
        Intent,
        IntentJob,
        LeadAskJob,
    )
    from models.douyin_accounts import AccountRef
    from models.im import ImResource, ImScene, ImSend
    from models.journeys import JourneySend, JourneySendOutcome, SendAllowance, SendRefusal, SendSettled
    from models.knowledge import KnowledgeHits, KnowledgeQuery
    from models.materials import (
        BotMaterialQuery,
        ImImageUpload,
        MaterialDelivery,
        MaterialDeliveryRequest,
        MaterialSend,
        MaterialSendOutcome,
    )
    from workflows import calls
    from workflows.lead_rule import ask_due

BOT = "bot"
# Douyin accepts a reply while the customer's message is younger than this.
REPLY_WINDOW = timedelta(hours=24)
HISTORY_TURNS = 10
SEEN_IDS_KEPT = 200
ECHOES_KEPT = 50
# A send Douyin refused before doing anything (busy, rate limited) is tried again after growing pauses.
SEND_ATTEMPTS = 3
SEND_PAUSE = timedelta(seconds=2)
REFUSED_BEFORE_WORK = frozenset({errors.DOUYIN_TRANSIENT, errors.DOUYIN_RATE_LIMITED})
# A handoff is assigned round-robin and, if nobody takes it over in time, the customer is told.
HANDOFF_ASSIGNS = "handoff-assigns-agent"
# An image a customer sent is fetched into the media store, and the bot is told there was one.
IMAGES_FETCHED = "customer-images-fetched"
# Customer messages and chat entries become behaviour events for scoring, and high intent a contact ask.
RECORDS_BEHAVIOUR = "conversation-records-behaviour"
# A journey's messages (seed 15) go through here: sent only while the bot owns the conversation, as a reply
# inside the window or as Douyin's proactive message outside it, within the caps orchestration counts.
JOURNEY_SENDS = "conversation-journey-send"
PROACTIVE: ImScene = "im_authorize_message"
CARD_TEXT = "[留资卡片]"
# Materials of the library (seed 17), sent by an agent, a journey or the bot through this conversation.
SENDS_MATERIALS = "conversation-sends-materials"
# A question the knowledge base cannot answer: the bot offers a matching FAQ answer or case study of a library
# open to it (as our tracked link) before a person takes over.
BOT_OFFERS_MATERIALS = "conversation-bot-offers-materials"
SHORT_REFUSAL_CHARS = 12
LeadLine = Literal["ask", "thanks", "refused"]


@workflow.defn
class ConversationWorkflow:
    @workflow.init
    def __init__(self, input: ConversationInput) -> None:
        self._state: ConversationState = "bot"
        self._owner_id: str | None = None
        self._paused_until: datetime | None = None
        self._handoff_reason: str | None = None
        self._greeted = False
        self._last_customer: InboundMessage | None = None
        self._douyin_conversation_id: str | None = None
        self._pending: list[InboundMessage] = []
        self._arrivals: list[InboundMessage] = []
        self._human_echoes: list[SentEcho] = []
        self._own_echoes: list[tuple[int, SentEcho]] = []
        self._echo_seq = 0
        self._queue_deadline: datetime | None = None
        self._enter: EnteredChat | None = None
        self._seen: list[str] = []
        self._history: list[Turn] = []
        self._sending = False
        self._handled = 0
        self._opened: OpenedConversation | None = None
        self._in: ConversationInput | None = input
        self._behaviour = False
        self._unscored: list[InboundMessage] = []
        self._entries: list[EnteredChat] = []
        self._journeys = False
        self._journey_waiting = 0
        # Restored before any handler runs: a takeover delivered with the new run's first task must not be
        # overwritten by the state the previous run carried.
        if input.carried is not None:
            self._restore(input.carried)

    # -- run ----------------------------------------------------------------------------------------------

    @workflow.run
    async def run(self, input: ConversationInput) -> ConversationStatus:
        self._behaviour = workflow.patched(RECORDS_BEHAVIOUR)
        self._journeys = workflow.patched(JOURNEY_SENDS)
        workflow.upsert_search_attributes(
            tag_updates(input.tenant_id, Feature.CONVERSATION, account_id=input.account_id)
        )
        await workflow.wait_condition(
            lambda: (
                bool(self._arrivals or self._enter or self._human_echoes or self._pending)
                or (self._journeys and self._journey_waiting > 0)
            )
        )
        self._opened = await calls.orchestration(
            Orchestration.open_conversation,
            OpenConversation(
                tenant_id=input.tenant_id,
                account_id=input.account_id,
                customer_open_id=input.customer_open_id,
                douyin_conversation_id=self._conversation_ref(),
                nickname=self._nickname(),
            ),
            policies.CONVERSATION_STORE,
        )
        workflow.upsert_search_attributes([CUSTOMER_ID.value_set(self._opened.customer_id)])
        # The row follows this run (a takeover may have come before the row was open).
        await self._set_state(self._state, self._owner_id, self._paused_until, self._handoff_reason, BOT)
        idle = timedelta(seconds=input.timing.idle_close_seconds)
        while True:
            if not await self._wait_for_work(idle):
                await self._set_state("closed", None, None, None, BOT)
                await workflow.wait_condition(workflow.all_handlers_finished)
                return self.status()
            await self._take_arrivals()
            if self._enter is not None:
                await self._greet(self._enter)
                self._enter = None
            if self._pending and self._bot_may_answer():
                await self._debounce(timedelta(seconds=input.timing.debounce_seconds))
                await self._take_arrivals()
                if self._bot_may_answer():
                    batch, self._pending = self._pending, []
                    await self._answer(batch)
            elif self._pending:
                self._pending = []  # people answer; nothing waits for the bot
            if self._behaviour:
                await self._record_behaviour()
            if (
                self._handled >= input.timing.continue_after_messages
                or workflow.info().is_continue_as_new_suggested()
            ):
                await workflow.wait_condition(lambda: workflow.all_handlers_finished() and not self._sending)
                workflow.continue_as_new(input.model_copy(update={"carried": self._carried()}))

    # -- what arrives -------------------------------------------------------------------------------------

    @workflow.signal
    def customer_message(self, message: InboundMessage) -> None:
        """A customer's message (`im_receive_msg`); a delivery seen before is ignored."""
        if message.msg_id in self._seen:
            return
        self._seen = [*self._seen[-SEEN_IDS_KEPT:], message.msg_id]
        self._arrivals.append(message)

    @workflow.signal
    def entered(self, event: EnteredChat) -> None:
        """The customer opened the chat: the account's greeting, once."""
        self._entries = [*self._entries[-ECHOES_KEPT:], event]
        if not self._greeted and self._enter is None:
            self._enter = event

    @workflow.signal
    def sent_echo(self, echo: SentEcho) -> None:
        """`im_send_msg`: our own send confirms an unknown outcome; anyone else's is a person in the app."""
        if echo.msg_id in self._seen:
            return
        self._seen = [*self._seen[-SEEN_IDS_KEPT:], echo.msg_id]
        if echo.ours:
            self._echo_seq += 1
            self._own_echoes = [*self._own_echoes[-ECHOES_KEPT:], (self._echo_seq, echo)]
        else:
            self._human_echoes.append(echo)

    @workflow.update
    async def takeover(self, request: Takeover) -> ConversationStatus:
        """An agent owns the conversation from now on; answered once no bot send is in flight."""
        self._pending = []
        await self._set_state("human", request.user_id, None, None, request.user_id)
        await workflow.wait_condition(lambda: not self._sending)
        return self.status()

    @workflow.update
    async def release(self, request: Release) -> ConversationStatus:
        """The bot answers again at once; any pause ends."""
        await self._set_state("bot", None, None, None, request.user_id)
        return self.status()

    @workflow.update
    async def agent_reply(self, reply: AgentReply) -> AgentReplyResult:
        """An agent's message: checked like the bot's, sent as a reply, and the bot paused for the window."""
        await workflow.wait_condition(lambda: self._opened is not None and not self._sending)
        self._pause_bot()
        checked = await calls.agent(
            AgentCenter.check_outgoing_message, OutgoingCheck(text=reply.text), policies.COMPLIANCE
        )
        message_id = str(workflow.uuid4())
        if checked.blocked:
            reason = "compliance blocked the message: " + "、".join(checked.findings)
            await self._record(message_id, "agent", "blocked", reply.text, findings=checked.findings,
                               reason=reason, user_id=reply.user_id, suggestion_id=reply.suggestion_id)  # fmt: skip
            return AgentReplyResult(message_id=message_id, status="blocked", reason=reason)
        status, douyin_id, why = await self._send(checked.text)
        await self._record(message_id, "agent", status, checked.text, douyin_msg_id=douyin_id,
                           findings=checked.findings, reason=why, user_id=reply.user_id,
                           suggestion_id=reply.suggestion_id)  # fmt: skip
        return AgentReplyResult(message_id=message_id, status=status, reason=why)

    @agent_reply.validator
    def _check_agent_reply(self, reply: AgentReply) -> None:
        if not reply.text.strip():
            raise ValueError("the message is empty")
        if self._last_customer is None:
            raise ValueError("the customer has not written yet: a reply needs a message to answer")

    @workflow.update
    async def send_material(self, send: MaterialSend) -> MaterialSendOutcome:
        """A material of the library (route `POST /api/v1/conversations/{id}/materials`, journeys, the bot):
        refused with the reason when it may not go now, else sent as an uploaded image, a published item or
        our tracked link in a text, through the same checks and send path as any reply."""
        await workflow.wait_condition(lambda: self._opened is not None and not self._sending)
        if not workflow.patched(SENDS_MATERIALS):  # pragma: no cover - a run of older code never gets here
            return _refused("this conversation's run cannot send materials yet")
        problem = self._material_problem(send)
        if problem is not None:
            return _refused(problem)
        if send.sender == "agent":
            self._pause_bot()
        delivery = await calls.content(
            ContentCenter.prepare_material_delivery, self._delivery_request(send), policies.MATERIAL_DELIVERY
        )
        if delivery.refused is not None:
            return _refused(delivery.refused)
        return await self._deliver_material(send, delivery)

    async def _offer_material(self, texts: list[str], msg_id: str) -> None:
        """The library's closest FAQ answer or case study the bot may use, sent as our link, if one matches."""
        hit = await calls.content(
            ContentCenter.find_bot_material,
            BotMaterialQuery(tenant_id=self._input().tenant_id, text="\n".join(texts)),
            policies.KNOWLEDGE_READ,
        )
        if hit.material_id is None:
            return
        send = self._bot_send(hit.material_id, msg_id)
        if self._material_problem(send) is not None:
            return
        delivery = await calls.content(
            ContentCenter.prepare_material_delivery, self._delivery_request(send), policies.MATERIAL_DELIVERY
        )
        if delivery.refused is None:
            await self._deliver_material(send, delivery)

    @staticmethod
    def _bot_send(material_id: str, msg_id: str) -> MaterialSend:
        return MaterialSend(material_id=material_id, sender="bot", step_key=f"bot:{msg_id}")

    def _delivery_request(self, send: MaterialSend) -> MaterialDeliveryRequest:
        return MaterialDeliveryRequest(
            tenant_id=self._input().tenant_id,
            material_id=send.material_id,
            sender=send.sender,
            user_id=send.user_id,
            customer_id=self._opened.customer_id if self._opened else "",
            conversation_id=self._row_id(),
            step_key=send.step_key,
            at=workflow.now(),
        )

    def _material_problem(self, send: MaterialSend) -> str | None:
        """Why no material may go now: a person owns the conversation (for a journey or the bot), or Douyin's
        reply window closed."""
        if send.sender == "bot" and not self._bot_may_answer():
            return f"the bot may not send now: the conversation is {self._state}"
        if send.sender == "journey" and self._state != "bot":
            return f"a person owns the conversation ({self._state}): a journey never talks over a human"
        customer = self._last_customer
        if customer is None or workflow.now() - customer.sent_at > REPLY_WINDOW:
            return "Douyin's 24-hour reply window for the customer's last message has closed"
        return None

    async def _deliver_material(self, send: MaterialSend, delivery: MaterialDelivery) -> MaterialSendOutcome:
        author: MessageAuthor = "agent" if send.sender == "agent" else "bot"
        bot = send.sender != "agent"
        message_id = str(workflow.uuid4())
        if delivery.how == "image" and delivery.storage_key:
            account = AccountRef(tenant_id=self._input().tenant_id, account_id=self._input().account_id)
            try:
                uploaded = await calls.douyin(
                    DouyinConnector.upload_im_image,
                    ImImageUpload(account=account, storage_key=delivery.storage_key),
                    policies.DOUYIN_UPLOAD_IM_IMAGE,
                )
            except ActivityError as err:
                return _refused(
                    f"the image could not be uploaded: {getattr(err.cause, 'message', None) or err}"
                )
            text, msg_type = f"[图片] {delivery.title}", "image"
            status, douyin_id, why = await self._send(text, bot=bot, media_id=uploaded.media_id)
        elif delivery.how == "item" and delivery.item_id:
            text, msg_type = f"[视频] {delivery.title}", "video"
            status, douyin_id, why = await self._send(text, bot=bot, item_id=delivery.item_id)
        else:
            checked = await calls.agent(
                AgentCenter.check_outgoing_message,
                OutgoingCheck(text=delivery.text or ""),
                policies.COMPLIANCE,
            )
            if checked.blocked:
                reason = "compliance blocked the message: " + "、".join(checked.findings)
                await self._record(message_id, author, "blocked", delivery.text or "", findings=checked.findings,
                                   reason=reason, user_id=send.user_id)  # fmt: skip
                return _refused(reason, delivery.share_link_id)
            text, msg_type = checked.text, "text"
            status, douyin_id, why = await self._send(text, bot=bot)
        await self._record(message_id, author, status, text, douyin_msg_id=douyin_id, msg_type=msg_type,
                           reason=why, user_id=send.user_id)  # fmt: skip
        if status in ("sent", "unconfirmed"):
            return MaterialSendOutcome(status="sent", reason=why, share_link_id=delivery.share_link_id)
        return _refused(why or f"not sent ({status})", delivery.share_link_id)

    @workflow.update
    async def journey_send(self, send: JourneySend) -> JourneySendOutcome:
        """A journey's message (`Orchestration.send_journey_message`, update id = the step key), decided now:
        refused while a person owns the conversation, for an unsubscribed customer, a missing scope, or over the
        caps; a reply inside the 24-hour window, else Douyin's proactive message."""
        await self._journey_turn()
        if not self._bot_may_answer():
            return _journey_refused("human_owns", f"a person owns the conversation ({self._state})")
        customer = self._last_customer
        in_window = customer is not None and workflow.now() - customer.sent_at <= REPLY_WINDOW
        allowed = await calls.orchestration(
            Orchestration.allow_journey_send,
            SendAllowance(
                tenant_id=send.tenant_id,
                account_id=self._input().account_id,
                customer_id=send.customer_id,
                customer_open_id=self._input().customer_open_id,
                step_key=send.step_key,
                proactive=not in_window,
                at=workflow.now(),
            ),
            policies.CONVERSATION_STORE,
        )
        if allowed.repeated and allowed.allowed:
            return JourneySendOutcome(status="sent", reason="sent before for this step", scene=None)
        if not allowed.allowed:
            return _journey_refused(allowed.refusal or "failed", allowed.reason or "not allowed")
        return await self._journey_deliver(send, "im_replay_msg" if in_window else PROACTIVE)

    @workflow.update
    async def journey_handover(self, send: JourneySend) -> JourneySendOutcome:
        """A journey's handover action: the conversation goes to a person the way the bot hands it off."""
        await self._journey_turn()
        if self._state != "bot":
            return _journey_refused("human_owns", f"a person has the conversation already ({self._state})")
        await self._handoff(f"customer journey {send.journey_id}: handed over to a person")
        return JourneySendOutcome(status="sent", reason="handed over")

    async def _journey_turn(self) -> None:
        """Waits until the conversation is open and no send is in flight (a run started by the update opens it)."""
        workflow.patched(JOURNEY_SENDS)
        self._journey_waiting += 1
        try:
            await workflow.wait_condition(lambda: self._opened is not None and not self._sending)
        finally:
            self._journey_waiting -= 1

    async def _journey_deliver(self, send: JourneySend, scene: ImScene) -> JourneySendOutcome:
        checked = await calls.agent(
            AgentCenter.check_outgoing_message, OutgoingCheck(text=send.text), policies.COMPLIANCE
        )
        message_id = str(workflow.uuid4())
        settle = SendSettled(tenant_id=send.tenant_id, step_key=send.step_key)
        if checked.blocked:
            reason = "compliance blocked the message: " + "、".join(checked.findings)
            await self._record(
                message_id, "journey", "blocked", send.text, findings=checked.findings, reason=reason
            )
            await calls.orchestration(Orchestration.return_journey_send, settle, policies.CONVERSATION_STORE)
            return _journey_refused("compliance", reason)
        if not self._bot_may_answer():
            await calls.orchestration(Orchestration.return_journey_send, settle, policies.CONVERSATION_STORE)
            return _journey_refused("human_owns", f"a person owns the conversation ({self._state})")
        status, douyin_id, why = await self._send(checked.text, None, scene)
        await self._record(message_id, "journey", status, checked.text, douyin_msg_id=douyin_id,
                           findings=checked.findings, reason=why or f"journey {send.journey_id}")  # fmt: skip
        if status == "failed":
            await calls.orchestration(Orchestration.return_journey_send, settle, policies.CONVERSATION_STORE)
            kind: SendRefusal = "proactive_unavailable" if scene == PROACTIVE else "window_closed"
            return _journey_refused(kind, why or "Douyin refused the message")
        return JourneySendOutcome(status="sent", scene=scene, message_id=message_id, reason=why)

    @workflow.query
    def status(self) -> ConversationStatus:
        return ConversationStatus(
            state=self._state,
            owner_id=self._owner_id,
            paused_until=self._paused_until,
            handoff_reason=self._handoff_reason,
            conversation_id=self._opened.conversation_id if self._opened else None,
            unanswered=len(self._arrivals) + len(self._pending) + len(self._human_echoes),
        )

    # -- the loop's steps ---------------------------------------------------------------------------------

    async def _wait_for_work(self, idle: timedelta) -> bool:
        """False when the conversation stayed quiet for the idle time. A waiting customer whose queue deadline
        passes meanwhile is told a person will answer, and the wait goes on."""
        while True:
            deadline = self._queue_deadline if self._state == "waiting_human" else None
            timeout = idle if deadline is None else min(idle, max(deadline - workflow.now(), timedelta(0)))
            try:
                await workflow.wait_condition(
                    lambda: (
                        bool(self._arrivals or self._enter or self._human_echoes or self._pending)
                        or (self._behaviour and bool(self._entries))
                    ),
                    timeout=timeout,
                )
            except TimeoutError:
                if deadline is None or workflow.now() < deadline:
                    return False
                await self._tell_waiting_customer()
                continue
            return True

    async def _take_arrivals(self) -> None:
        """Records what came in (customer messages, people's replies in the Douyin app) in arrival order.

        Each stays counted as unanswered until it is recorded and taken up, so the `status` query never
        shows a message in between."""
        while self._arrivals or self._human_echoes:
            if self._human_echoes:
                echo = self._human_echoes[0]
                self._pause_bot()
                await self._record(str(workflow.uuid4()), "douyin_app", "sent", echo.text,
                                   douyin_msg_id=echo.msg_id, at=echo.at)  # fmt: skip
                self._human_echoes.pop(0)
                self._pending = []
                continue
            message = self._arrivals[0]
            self._last_customer = message
            self._douyin_conversation_id = message.conversation_id
            media_key, note = await self._image_of(message)
            await self._record(str(workflow.uuid4()), "customer", "received", message.text,
                               douyin_msg_id=message.msg_id, msg_type=message.msg_type, at=message.sent_at,
                               media_key=media_key, reason=note)  # fmt: skip
            self._arrivals.pop(0)
            self._pending.append(message)
            if self._behaviour:
                self._unscored.append(message)

    async def _image_of(self, message: InboundMessage) -> tuple[str | None, str | None]:
        """An image arrives without a URL: it is fetched through the resources API before anyone looks at it.
        (media key, why it could not be fetched)."""
        if message.msg_type != "image" or not workflow.patched(IMAGES_FETCHED):
            return None, None
        resource = ImResource(
            account=AccountRef(tenant_id=self._input().tenant_id, account_id=self._input().account_id),
            conversation_id=message.conversation_id,
            message_id=message.msg_id,
        )
        try:
            stored = await calls.douyin(
                DouyinConnector.fetch_douyin_message_image, resource, policies.DOUYIN_FETCH_IMAGE
            )
        except ActivityError as err:
            cause = err.cause
            return None, f"the image could not be fetched: {getattr(cause, 'message', None) or err}"
        return stored.storage_key, None

    async def _debounce(self, quiet: timedelta) -> None:
        """Waits until no new message arrived for `quiet`, so a burst gets one answer."""
        if quiet <= timedelta(0):
            return
        while await self._arrived_within(quiet, len(self._arrivals)):
            pass

    async def _arrived_within(self, quiet: timedelta, seen: int) -> bool:
        try:
            await workflow.wait_condition(lambda: len(self._arrivals) > seen, timeout=quiet)
        except TimeoutError:
            return False
        return True

    async def _greet(self, event: EnteredChat) -> None:
        if self._greeted or not self._bot_may_answer():
            return
        self._greeted = True
        self._douyin_conversation_id = event.conversation_id
        decision = await self._decide(ReplyJob(tenant_id=self._input().tenant_id, messages=[], greeting=True))
        if decision.reply:
            await self._deliver(decision, event.msg_id, "im_enter_direct_msg")

    async def _answer(self, batch: list[InboundMessage]) -> None:
        texts = [m.text for m in batch if m.text]
        images = sum(1 for m in batch if m.msg_type == "image")
        if not texts and not (images and workflow.patched(IMAGES_FETCHED)):
            return
        self._handled += len(batch)
        intents, snapshot = await self._record_behaviour() if self._behaviour else (set(), None)
        lead_reply = _lead_reply(snapshot, intents, texts)
        if lead_reply is not None:
            await self._lead_line(lead_reply, batch[-1].msg_id)
            return
        knowledge = await calls.content(
            ContentCenter.search_knowledge,
            KnowledgeQuery(tenant_id=self._input().tenant_id, text="\n".join(texts)),
            policies.KNOWLEDGE_READ,
        )
        decision = await self._decide(self._job(texts, knowledge).model_copy(update={"images": images}))
        sent = False
        if decision.reply and decision.action != "none":
            sent = await self._deliver(decision, batch[-1].msg_id, "im_replay_msg")
        if decision.action == "handoff" and self._state == "bot":
            if not knowledge.answerable and workflow.patched(BOT_OFFERS_MATERIALS):
                await self._offer_material(texts, batch[-1].msg_id)
            await self._handoff(decision.reason)
        elif (
            sent and snapshot is not None and ask_due(snapshot, intents, workflow.now(), self._input().timing)
        ):
            await self._ask_lead(snapshot, batch[-1].msg_id)

    async def _decide(self, job: ReplyJob) -> ReplyDecision:
        return await calls.agent(AgentCenter.decide_reply, job, policies.MODEL)

    async def _deliver(self, decision: ReplyDecision, reply_to: str, scene: ImScene) -> bool:
        """The bot's reply: checked, and sent only if the bot still owns the conversation right now; whether
        Douyin took it (or may have)."""
        checked = await calls.agent(
            AgentCenter.check_outgoing_message, OutgoingCheck(text=decision.reply), policies.COMPLIANCE
        )
        message_id = str(workflow.uuid4())
        if checked.blocked:
            reason = "compliance blocked the reply: " + "、".join(checked.findings)
            await self._record(message_id, "bot", "blocked", decision.reply, decision=decision,
                               findings=checked.findings, reason=reason)  # fmt: skip
            if self._state == "bot":
                await self._handoff(reason)
            return False
        if not self._bot_may_answer():
            await self._record(message_id, "bot", "discarded", checked.text, decision=decision,
                               reason=f"not sent: the conversation is {self._state} now")  # fmt: skip
            return False
        status, douyin_id, why = await self._send(checked.text, reply_to, scene, bot=True)
        await self._record(message_id, "bot", status, checked.text, douyin_msg_id=douyin_id, decision=decision,
                           findings=checked.findings, reason=why)  # fmt: skip
        if status == "failed" and self._state == "bot":
            await self._handoff(f"the bot's reply could not be sent: {why}")
        return status in ("sent", "unconfirmed")

    async def _send(
        self,
        text: str,
        reply_to: str | None = None,
        scene: ImScene = "im_replay_msg",
        *,
        bot: bool = False,
        card_id: str | None = None,
        media_id: str | None = None,
        item_id: str | None = None,
    ) -> tuple[MessageStatus, str | None, str | None]:
        """(status, Douyin's message id, why not sent). Never sent twice: an unknown outcome waits for its echo;
        a refusal before Douyin did anything is tried again after a pause (the bot only while it may answer)."""
        customer = self._last_customer
        reply_to = reply_to or (customer.msg_id if customer else None)
        if scene == "im_replay_msg" and (
            customer is None or workflow.now() - customer.sent_at > REPLY_WINDOW
        ):
            return "failed", None, "Douyin's 24-hour reply window for the customer's last message has closed"
        request = ImSend(
            account=AccountRef(tenant_id=self._input().tenant_id, account_id=self._input().account_id),
            to_open_id=self._input().customer_open_id,
            conversation_id=self._douyin_conversation_id or "",
            reply_to_msg_id=reply_to,
            scene=scene,
            text=None if (card_id or media_id or item_id) else text,
            card_id=card_id,
            media_id=media_id,
            item_id=item_id,
        )
        self._sending = True
        try:
            for attempt in range(1, SEND_ATTEMPTS + 1):
                echoes_before = self._echo_seq
                try:
                    sent = await calls.douyin(
                        DouyinConnector.send_douyin_message, request, policies.DOUYIN_SEND_MESSAGE
                    )
                    return "sent", sent.msg_id, None
                except ActivityError as err:
                    cause = err.cause
                    if not isinstance(cause, ApplicationError) or cause.type == errors.DOUYIN_UNKNOWN_OUTCOME:
                        return await self._confirm_by_echo(
                            "" if (card_id or media_id or item_id) else text, echoes_before
                        )
                    if cause.type not in REFUSED_BEFORE_WORK or attempt == SEND_ATTEMPTS:
                        return "failed", None, cause.message
                await workflow.sleep(SEND_PAUSE * attempt)
                if bot and not self._bot_may_answer():
                    return "discarded", None, f"not sent: the conversation is {self._state} now"
            return "failed", None, "Douyin refused the message"
        finally:
            self._sending = False

    async def _confirm_by_echo(self, text: str, after: int) -> tuple[MessageStatus, str | None, str | None]:
        """Douyin has no list of sent messages: only our own `im_send_msg` echo, arriving after the send
        began and carrying its text, tells that it went out."""

        def echoed() -> SentEcho | None:
            return next((e for seq, e in self._own_echoes if seq > after and e.text == text), None)

        wait = timedelta(seconds=self._input().timing.echo_wait_seconds)
        try:
            await workflow.wait_condition(lambda: echoed() is not None, timeout=wait)
        except TimeoutError:
            return "unconfirmed", None, "the send's outcome is unknown and Douyin sent no echo; check the app"
        found = echoed()
        return "sent", found.msg_id if found else None, None

    async def _record_behaviour(self) -> tuple[set[Intent], CustomerSnapshot | None]:
        """The customer's messages and chat entries not yet recorded, as behaviour events (each question kind
        agent-center reads is one too); the intents of those messages and the customer as scored now."""
        messages, self._unscored = self._unscored, []
        entries, self._entries = self._entries, []
        if (not messages and not entries) or self._opened is None:
            return set(), None
        texts = [m.text for m in messages]
        found = await calls.agent(
            AgentCenter.detect_customer_intents, IntentJob(messages=texts), policies.COMPLIANCE
        )
        events: list[BehaviourEvent] = []
        for message, intents in zip(messages, found.intents, strict=True):
            events += self._message_events(message, intents)
        events += [self._event("im_enter_direct_msg", e.msg_id, e.at) for e in entries]
        snapshot = await calls.orchestration(
            Orchestration.record_customer_behaviour,
            BehaviourBatch(
                tenant_id=self._input().tenant_id,
                customer_open_id=self._input().customer_open_id,
                account_id=self._input().account_id,
                conversation_id=self._opened.conversation_id,
                events=events,
                said=[
                    CustomerSaid(msg_id=m.msg_id, text=m.text, card_data=m.card_data, at=m.sent_at)
                    for m in messages
                ],
                at=workflow.now(),
            ),
            policies.CONVERSATION_STORE,
        )
        return {intent for intents in found.intents for intent in intents}, snapshot

    def _message_events(self, message: InboundMessage, intents: list[Intent]) -> list[BehaviourEvent]:
        events = [self._event("message_received", message.msg_id, message.sent_at, msg_type=message.msg_type)]
        if message.card_data or message.card_id:
            events.append(
                self._event("card_submitted", message.msg_id, message.sent_at, card_id=message.card_id)
            )
        for intent in intents:
            kind: EventType = "lead_refused" if intent == "refusal" else intent
            events.append(self._event(kind, message.msg_id, message.sent_at))
        return events

    def _event(self, kind: EventType, msg_id: str, at: datetime, **detail: str | None) -> BehaviourEvent:
        conversation = self._opened.conversation_id if self._opened else None
        return BehaviourEvent(
            type=kind,
            source_key=f"{kind}:{msg_id}",
            detail={"conversation_id": conversation, "msg_id": msg_id, **detail},
            occurred_at=at,
        )

    async def _lead_line(self, kind: LeadLine, reply_to: str) -> None:
        """agent-center's line for the contact ask, a thank-you for contact details or accepting a refusal."""
        brand = self._opened.brand.profile.name if self._opened and self._opened.brand else None
        line = await calls.agent(
            AgentCenter.compose_lead_ask, LeadAskJob(brand=brand, kind=kind), policies.COMPLIANCE
        )
        action: ReplyAction = "ask_lead" if kind == "ask" else "answer"
        reason = {
            "ask": "high intent: asking for contact details",
            "thanks": "the customer left contact details",
            "refused": "the customer declined to leave contact details",
        }[kind]
        decision = ReplyDecision(reply=line.text, action=action, reason=reason, confidence=1.0)
        await self._deliver(decision, reply_to, "im_replay_msg")

    async def _ask_lead(self, snapshot: CustomerSnapshot, reply_to: str) -> None:
        """Asks for contact details after the answer: the account's retain-consult card where one is
        configured, else agent-center's line (checked like every reply)."""
        reason = f"high intent (level {snapshot.level}, score {snapshot.score:g}): asking for contact details"
        decision = ReplyDecision(reply="", action="ask_lead", reason=reason, confidence=1.0)
        if snapshot.card_id is None:
            brand = self._opened.brand.profile.name if self._opened and self._opened.brand else None
            line = await calls.agent(
                AgentCenter.compose_lead_ask, LeadAskJob(brand=brand), policies.COMPLIANCE
            )
            await self._deliver(decision.model_copy(update={"reply": line.text}), reply_to, "im_replay_msg")
            return
        message_id = str(workflow.uuid4())
        if not self._bot_may_answer():
            return
        status, douyin_id, why = await self._send(CARD_TEXT, reply_to, bot=True, card_id=snapshot.card_id)
        await self._record(message_id, "bot", status, CARD_TEXT, douyin_msg_id=douyin_id, msg_type="card",
                           decision=decision, reason=why)  # fmt: skip

    async def _handoff(self, reason: str) -> None:
        """Waits for a person: given round-robin to an available agent, the agents told, and a deadline after
        which the customer hears that a person will answer."""
        assigned: str | None = None
        if not workflow.patched(HANDOFF_ASSIGNS):
            await self._set_state("waiting_human", None, None, reason, BOT)
        else:
            # The row becomes waiting_human and its agent in one write, so no list shows it unassigned between.
            self._state, self._owner_id, self._handoff_reason = "waiting_human", None, reason
            self._paused_until = None
            workflow.upsert_search_attributes([CONVERSATION_STATE.value_set("waiting_human")])
            assignment = await calls.orchestration(
                Orchestration.assign_conversation,
                AssignRequest(
                    tenant_id=self._input().tenant_id,
                    conversation_id=self._row_id(),
                    reason=reason,
                    at=workflow.now(),
                ),
                policies.CONVERSATION_STORE,
            )
            if self._state == "waiting_human":
                assigned = self._owner_id = assignment.user_id
                wait = timedelta(seconds=self._input().timing.queue_timeout_seconds)
                self._queue_deadline = workflow.now() + wait
            else:  # taken over or released while it was being assigned: the row follows this run
                await self._set_state(
                    self._state, self._owner_id, self._paused_until, self._handoff_reason, BOT
                )
        await calls.orchestration(
            Orchestration.notify_handoff,
            HandoffNotice(
                tenant_id=self._input().tenant_id,
                conversation_id=self._row_id(),
                reason=reason,
                at=workflow.now(),
                assigned_to=assigned,
            ),
            policies.CONVERSATION_STORE,
        )

    async def _tell_waiting_customer(self) -> None:
        """Nobody took the handed-off conversation over in time: the customer hears a person will answer."""
        self._queue_deadline = None
        text = self._input().timing.queue_message
        checked = await calls.agent(
            AgentCenter.check_outgoing_message, OutgoingCheck(text=text), policies.COMPLIANCE
        )
        message_id = str(workflow.uuid4())
        if checked.blocked:
            await self._record(message_id, "bot", "blocked", text, findings=checked.findings,
                               reason="the queue message was blocked by compliance")  # fmt: skip
            return
        status, douyin_id, why = await self._send(checked.text)
        reason = why or "nobody took the conversation over within the queue timeout"
        await self._record(message_id, "bot", status, checked.text, douyin_msg_id=douyin_id,
                           findings=checked.findings, reason=reason)  # fmt: skip

    # -- state --------------------------------------------------------------------------------------------

    def _bot_may_answer(self) -> bool:
        paused = self._paused_until is not None and workflow.now() < self._paused_until
        return self._state == "bot" and not paused

    def _pause_bot(self) -> None:
        """A person answered: the bot waits for the tenant's pause window, renewed by each human message."""
        minutes = self._opened.pause_minutes if self._opened else 30
        self._paused_until = workflow.now() + timedelta(minutes=minutes)

    async def _set_state(
        self,
        state: ConversationState,
        owner_id: str | None,
        paused_until: datetime | None,
        reason: str | None,
        actor_id: str,
    ) -> None:
        self._state, self._owner_id, self._paused_until, self._handoff_reason = (
            state,
            owner_id,
            paused_until,
            reason,
        )
        workflow.upsert_search_attributes([CONVERSATION_STATE.value_set(state)])
        if self._opened is None:
            return
        await calls.orchestration(
            Orchestration.change_conversation_state,
            StateChange(
                tenant_id=self._input().tenant_id,
                conversation_id=self._row_id(),
                state=state,
                owner_id=owner_id,
                paused_until=paused_until,
                handoff_reason=reason,
                actor_id=actor_id,
                at=workflow.now(),
            ),
            policies.CONVERSATION_STORE,
        )

    async def _record(
        self,
        message_id: str,
        author: MessageAuthor,
        status: MessageStatus,
        text: str,
        *,
        douyin_msg_id: str | None = None,
        msg_type: str = "text",
        decision: ReplyDecision | None = None,
        findings: list[str] | None = None,
        reason: str | None = None,
        user_id: str | None = None,
        suggestion_id: str | None = None,
        at: datetime | None = None,
        media_key: str | None = None,
    ) -> None:
        if status in ("received", "sent"):
            self._history = [*self._history[-(HISTORY_TURNS - 1) :], Turn(author=author, text=text)]
        await calls.orchestration(
            Orchestration.record_conversation_message,
            MessageRecord(
                tenant_id=self._input().tenant_id,
                conversation_id=self._row_id(),
                message_id=message_id,
                author=author,
                status=status,
                text=text,
                msg_type=msg_type,
                douyin_msg_id=douyin_msg_id,
                author_user_id=user_id,
                suggestion_id=suggestion_id,
                media_key=media_key,
                decision=decision,
                findings=findings or [],
                reason=reason,
                at=at or workflow.now(),
            ),
            policies.CONVERSATION_STORE,
        )

    def _job(self, texts: list[str], knowledge: KnowledgeHits) -> ReplyJob:
        opened = self._opened
        return ReplyJob(
            tenant_id=self._input().tenant_id,
            messages=texts,
            history=self._history[: -len(texts)] if len(self._history) > len(texts) else [],
            summary=opened.summary if opened else "",
            knowledge=knowledge,
            brand=opened.brand if opened else None,
        )

    def _carried(self) -> CarriedState:
        return CarriedState(
            state=self._state,
            owner_id=self._owner_id,
            paused_until=self._paused_until,
            handoff_reason=self._handoff_reason,
            greeted=self._greeted,
            last_customer=self._last_customer,
            douyin_conversation_id=self._douyin_conversation_id,
            pending=self._pending,
            arrivals=self._arrivals,
            seen=self._seen,
            queue_deadline=self._queue_deadline,
        )

    def _restore(self, carried: CarriedState) -> None:
        self._state, self._owner_id = carried.state, carried.owner_id
        self._paused_until, self._handoff_reason = carried.paused_until, carried.handoff_reason
        self._greeted, self._last_customer = carried.greeted, carried.last_customer
        self._douyin_conversation_id = carried.douyin_conversation_id
        self._queue_deadline = carried.queue_deadline
        self._pending, self._arrivals, self._seen = (
            list(carried.pending),
            list(carried.arrivals),
            list(carried.seen),
        )

    def _conversation_ref(self) -> str | None:
        first = self._arrivals[0] if self._arrivals else None
        if first is not None:
            return first.conversation_id
        return self._enter.conversation_id if self._enter else self._douyin_conversation_id

    def _nickname(self) -> str | None:
        return next((m.nickname for m in self._arrivals if m.nickname), None)

    def _row_id(self) -> str:
        if self._opened is None:
            raise ApplicationError("the conversation is not open yet")
        return self._opened.conversation_id

    def _input(self) -> ConversationInput:
        if self._in is None:
            raise ApplicationError("the run has no input yet")
        return self._in


def _refused(reason: str, share_link_id: str | None = None) -> MaterialSendOutcome:
    return MaterialSendOutcome(status="refused", reason=reason, share_link_id=share_link_id)


def _lead_reply(snapshot: CustomerSnapshot | None, intents: set[Intent], texts: list[str]) -> LeadLine | None:
    """A message that only leaves contact details is thanked, and a short refusal right after an ask is
    accepted, instead of being looked up in the knowledge base (which would hand either off to a person)."""
    if snapshot is None or HIGH_INTENT_QUESTIONS.intersection(intents):
        return None
    if snapshot.new_lead:
        return "thanks"
    if "refusal" in intents and snapshot.asks > 0 and len("".join(texts)) <= SHORT_REFUSAL_CHARS:
        return "refused"
    return None


def _journey_refused(kind: SendRefusal, reason: str) -> JourneySendOutcome:
    return JourneySendOutcome(status="refused", refusal=kind, reason=reason)
