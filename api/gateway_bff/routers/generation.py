"""Seed features 1-4: each route starts its workflow and waits for it, or answers 202 to poll."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.gateway_bff import workflow_runner as runner
from api.gateway_bff.deps import CurrentUser, Operator, SessionDep, SettingsDep, TemporalDep
from api.gateway_bff.errors import NotFound, Unprocessable
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.media_links import media_link
from api.gateway_bff.openapi_errors import may_answer
from api.gateway_bff.schemas.generation import (
    CopywritingResponse,
    ImagePostResponse,
    TitlesResponse,
    VideoScriptResponse,
)
from douflow.content.accounts import DouyinAccountRepository
from douflow.content.brands import BrandRepository, generation_problem
from douflow.platforms import PlatformRules, all_rules
from douflow.temporal import starts
from douflow.temporal.search import Feature
from models.content import Actor
from models.generation import (
    Brief,
    ImagePostRequest,
    TitleRequest,
    VideoScriptRequest,
)
from models.workflows import (
    CopywritingInput,
    CopywritingRequest,
    CopywritingResult,
    ImageTextInput,
    ImageTextResult,
    TitleGenerationInput,
    TitleGenerationResult,
    VideoScriptInput,
    VideoScriptResult,
)

# A generation answers 200 with its result, or 202 (`?wait=false`, or still running) with where to poll.
router = APIRouter(prefix="/api/v1", tags=["generation"], responses=runner.ACCEPTED, route_class=GuardedRoute)

# Reads beside the generations: answered at once, never 202.
rules_router = APIRouter(prefix="/api/v1", tags=["generation"], route_class=GuardedRoute)

Wait = Annotated[bool, Query(description="false: answer 202 at once and poll /api/v1/workflows/{id}")]


# A brand or account the body names: not the tenant's (404) or not usable for it (422).
@may_answer(404, 422, 502)
class GenerationCall:
    """What every generation route needs besides its body: who asks, how to reach Temporal, how to answer."""

    def __init__(
        self,
        user: Operator,
        temporal: TemporalDep,
        settings: SettingsDep,
        session: SessionDep,
        key: runner.Key,
        wait: Wait = True,
    ) -> None:
        self.user, self.temporal, self.settings = user, temporal, settings
        self.session, self.key, self.wait = session, key, wait

    @property
    def actor(self) -> Actor:
        return Actor(tenant_id=self.user.tenant_id, user_id=self.user.user_id)

    async def check_brand(self, brief: Brief) -> None:
        """A brand the request names must be the tenant's, usable, and have the product named: said
        here, before a run starts (the workflow checks again when it loads the profile)."""
        if brief.brand_id is None:
            return
        stored = await BrandRepository(self.session, self.user.tenant_id).get(brief.brand_id)
        problem = generation_problem(stored, brief.brand_id, brief.product)
        if stored is None:
            raise NotFound(f"brand {brief.brand_id} not found")
        if problem is not None:
            raise Unprocessable(problem)

    async def check_account(self, req: TitleRequest) -> None:
        """An account the request learns from must be the tenant's (an unbound one keeps its history)."""
        if req.account_id is None:
            return
        if await DouyinAccountRepository(self.session, self.user.tenant_id).get(req.account_id) is None:
            raise NotFound(f"Douyin account {req.account_id} not found")

    async def run(
        self, feature: Feature, arg: BaseModel, topic: str, result_type: type[BaseModel]
    ) -> tuple[str, Any]:
        """Starts (or re-attaches to) the workflow; its result, or None if it is to be polled."""
        run = starts.generation(
            feature, arg, tenant_id=self.user.tenant_id, request_key=self.key.value, topic=topic
        )
        started = await runner.start(self.temporal, self.settings, run, result_type, self.key)
        result = None
        if self.wait:
            result = await runner.wait_result(started, result_type, self.settings.bff_sync_timeout_seconds)
        return started.workflow_id, result


Call = Annotated[GenerationCall, Depends()]


@rules_router.get("/platforms")
async def platform_rules(user: CurrentUser) -> list[PlatformRules]:
    """Each platform's limits and habits, the ones generation writes within, for the console to count against."""
    return list(all_rules().values())


@router.post("/titles", response_model=TitlesResponse)
async def generate_titles(body: TitleRequest, call: Call) -> TitlesResponse | JSONResponse:
    """Viral title candidates for a topic, saved as a draft content; with `account_id`, candidates follow
    and cite the hook patterns of the account's posts that outplayed its median."""
    await call.check_brand(body)
    await call.check_account(body)
    arg = TitleGenerationInput(actor=call.actor, request=body)
    workflow_id, result = await call.run(Feature.TITLES, arg, body.topic, TitleGenerationResult)
    if result is None:
        return runner.accepted(workflow_id)
    return TitlesResponse(workflow_id=workflow_id, **result.model_dump())


@router.post("/copywriting", response_model=CopywritingResponse)
async def generate_copywriting(body: CopywritingRequest, call: Call) -> CopywritingResponse | JSONResponse:
    """One copy per platform, following each platform's rules, generated in parallel."""
    await call.check_brand(body)
    arg = CopywritingInput(actor=call.actor, request=body)
    workflow_id, result = await call.run(Feature.COPYWRITING, arg, body.topic, CopywritingResult)
    if result is None:
        return runner.accepted(workflow_id)
    return CopywritingResponse(workflow_id=workflow_id, **result.model_dump())


@router.post("/image-posts", response_model=ImagePostResponse)
async def generate_image_post(body: ImagePostRequest, call: Call) -> ImagePostResponse | JSONResponse:
    """Copy, image descriptions and images (from the image service, or rendered locally)."""
    await call.check_brand(body)
    arg = ImageTextInput(actor=call.actor, request=body)
    workflow_id, result = await call.run(Feature.IMAGE_POST, arg, body.topic, ImageTextResult)
    if result is None:
        return runner.accepted(workflow_id)
    secret, now = call.settings.jwt_secret.get_secret_value(), time.time()
    images = [
        {
            "asset_id": asset_id,
            "url": media_link(secret, call.actor.tenant_id, asset_id, now),
            **spec.model_dump(),
        }
        for asset_id, spec in zip(result.asset_ids, result.post.images, strict=False)
    ]
    return ImagePostResponse(
        content_id=result.content_id,
        workflow_id=workflow_id,
        post=result.post,
        images=images,
        compliance=result.compliance,
    )


@router.post("/video-scripts", response_model=VideoScriptResponse)
async def generate_video_script(body: VideoScriptRequest, call: Call) -> VideoScriptResponse | JSONResponse:
    """A structured script: a 3-second hook, shots with lines, a call to action."""
    await call.check_brand(body)
    arg = VideoScriptInput(actor=call.actor, request=body)
    workflow_id, result = await call.run(Feature.VIDEO_SCRIPT, arg, body.topic, VideoScriptResult)
    if result is None:
        return runner.accepted(workflow_id)
    return VideoScriptResponse(workflow_id=workflow_id, **result.model_dump())
