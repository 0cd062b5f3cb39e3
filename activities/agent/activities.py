"""agent-center's activities: thin wrappers that call the provider, validate, and type every failure."""

from __future__ import annotations

import asyncio
from typing import Literal

from temporalio import activity

from activities.agent.brand_words import avoid_word_problems
from activities.agent.compliance import check_fields
from activities.agent.contract import AgentCenter
from activities.agent.failures import typed, validate
from activities.agent.images import CoverRenderer, ImageData, OpenAIImageGenerator, inspect_image
from activities.agent.intents import detect, lead_ask
from activities.agent.outgoing import check_outgoing
from activities.agent.prompts import image_prompt
from activities.agent.providers.base import GenerationProvider
from activities.agent.replication import VariantWriter
from activities.agent.rules import check_post, check_script, check_titles
from activities.agent.suggestions import check_suggestions
from douflow.media import LocalMediaStore
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
    brand_of,
)
from models.replication import VariantRequest, VariantResult
from models.suggestions import SuggestionJob, SuggestionSet
from models.tasks import FollowUpScript, FollowUpScriptJob


class AgentActivities(AgentCenter):
    """Every intelligent step of the platform; one instance per worker, built by `build_agent_activities`."""

    def __init__(
        self,
        provider: GenerationProvider,
        image_generator: OpenAIImageGenerator | None,
        media_store: LocalMediaStore,
        cover_renderer: CoverRenderer,
        own_link_hosts: frozenset[str] = frozenset(),
    ) -> None:
        self._provider = provider
        # Our public host: links on it (shared materials) are not off-platform diversion.
        self._own_hosts = own_link_hosts
        self._images = image_generator
        self._media = media_store
        self._covers = cover_renderer
        self._variants = VariantWriter(provider)

    @activity.defn
    async def generate_titles(self, req: TitleJob) -> TitleResult:
        result = await typed(self._provider.titles(req))
        validate(
            check_titles(result, req.platform, req.max_length) + avoid_word_problems(result, brand_of(req))
        )
        return result

    @activity.defn
    async def generate_copy(self, req: CopyJob) -> PlatformCopy:
        result = await typed(self._provider.platform_copy(req))
        validate(check_post(result) + avoid_word_problems(result, brand_of(req)))
        return result

    @activity.defn
    async def generate_image_post(self, req: ImagePostJob) -> ImagePostDraft:
        result = await typed(self._provider.image_post(req))
        validate(check_post(result) + avoid_word_problems(result, brand_of(req)))
        return result

    @activity.defn
    async def generate_video_script(self, req: VideoScriptJob) -> VideoScript:
        result = await typed(self._provider.video_script(req))
        validate(check_script(result, req.duration_seconds) + avoid_word_problems(result, brand_of(req)))
        return result

    @activity.defn
    async def check_compliance(self, req: ComplianceRequest) -> ComplianceReport:
        return check_fields(req.fields)

    @activity.defn
    async def create_image(self, req: ImageRequest) -> GeneratedImage:
        """From the image API when one is configured; otherwise a locally rendered cover or caption card."""
        source: Literal["image_api", "local_cover"]
        if self._images is not None:
            data = await typed(self._images.generate(image_prompt(req.spec.description)))
            image = await typed(asyncio.to_thread(inspect_image, data))
            source = "image_api"
        else:
            image = await asyncio.to_thread(self._render, req)
            source = "local_cover"
        stored = await self._media.put(
            image.data, tenant_id=req.tenant_id, suffix=image.suffix, mime_type=image.mime_type
        )
        activity.logger.info("stored %s image %s (%d bytes)", source, stored.key, stored.size_bytes)
        return GeneratedImage(
            storage_key=stored.key,
            mime_type=stored.mime_type,
            width=image.width,
            height=image.height,
            size_bytes=stored.size_bytes,
            source=source,
            description=req.spec.description,
            caption=req.spec.caption,
        )

    @activity.defn
    async def generate_variants(self, req: VariantRequest) -> VariantResult:
        return await self._variants.variants(req)

    @activity.defn
    async def decide_reply(self, job: ReplyJob) -> ReplyDecision:
        decision = await typed(self._provider.reply(job))
        if decision.action in ("answer", "ask_lead") and not decision.reply.strip():
            validate([f"action {decision.action} with an empty reply"])
        return decision

    @activity.defn
    async def triage_comment(self, job: CommentJob) -> CommentDecision:
        decision = await typed(self._provider.comment(job))
        if decision.action in ("public_reply", "invite_private") and not decision.reply.strip():
            validate([f"action {decision.action} with an empty reply"])
        return decision

    @activity.defn
    async def check_outgoing_message(self, message: OutgoingCheck) -> CheckedMessage:
        return check_outgoing(message, self._own_hosts)

    @activity.defn
    async def suggest_replies(self, job: SuggestionJob) -> SuggestionSet:
        result = await typed(self._provider.suggest_replies(job))
        validate(check_suggestions(result, job) + avoid_word_problems(result, job.brand))
        return result

    @activity.defn
    async def detect_customer_intents(self, job: IntentJob) -> DetectedIntents:
        return detect(job)

    @activity.defn
    async def compose_lead_ask(self, job: LeadAskJob) -> LeadAskText:
        return lead_ask(job)

    @activity.defn
    async def suggest_follow_up_script(self, job: FollowUpScriptJob) -> FollowUpScript:
        result = await typed(self._provider.follow_up_script(job))
        given = {hit.entry_id for hit in job.knowledge.hits}
        unknown = [c for c in result.cited if c not in given]
        validate(
            ([f"script cites entries it was not given: {unknown}"] if unknown else [])
            + avoid_word_problems(result, job.context.brand)
        )
        return result

    async def aclose(self) -> None:
        """Close HTTP clients; the worker calls this on shutdown."""
        await self._provider.aclose()
        if self._images is not None:
            await self._images.aclose()

    def _render(self, req: ImageRequest) -> ImageData:
        if req.index == 0:
            png = self._covers.render_cover(
                title=req.title,
                caption=req.spec.caption,
                seed=req.title,
                platform=req.platform,
                style=req.spec.description,
            )
        else:
            png = self._covers.render_card(
                title=req.title,
                caption=req.spec.caption,
                text=req.spec.text,
                index=req.index,
                seed=req.title,
                style=req.spec.description,
            )
        return inspect_image(png)
