"""The tenant's intent-scoring rules (seed 12): points per event type (once or repeatable, a daily cap, a decay
half-life, the score groups it counts in), thresholds whose crossing fires actions, and the level thresholds.

One document per tenant: GET answers it (the defaults until the tenant sets its own), PUT replaces it, DELETE
goes back to the defaults. Scores are computed from the events, so every customer is re-scored at once.
Admins and operators write; everyone of the tenant reads.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from api.gateway_bff.deps import CurrentUser, Operator, SessionDep
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.schemas.customers import ScoringRulesIn, ScoringRulesView
from douflow.customers.behaviour import ScoringRuleRepository
from douflow.db.tables import AuditEvent
from models.customers import ScoringRules

router = APIRouter(prefix="/api/v1/scoring-rules", tags=["scoring-rules"], route_class=GuardedRoute)


async def _view(repo: ScoringRuleRepository) -> ScoringRulesView:
    rules, version, custom = await repo.current()
    return ScoringRulesView(**rules.model_dump(), version=version, custom=custom)


@router.get("")
async def get_scoring_rules(user: CurrentUser, session: SessionDep) -> ScoringRulesView:
    """The tenant's rules, or the defaults (`custom: false`)."""
    return await _view(ScoringRuleRepository(session, user.tenant_id))


@router.put("")
async def replace_scoring_rules(
    body: ScoringRulesIn, user: Operator, session: SessionDep
) -> ScoringRulesView:
    """Replaces the rule set; audited. Scores follow at once; threshold actions fire at a customer's next event."""
    repo = ScoringRuleRepository(session, user.tenant_id)
    rules = ScoringRules.model_validate(body.model_dump())
    version = await repo.replace(rules, user.user_id)
    _audit(session, user.tenant_id, user.user_id, "scoring_rules.replaced", {"version": version})
    await session.commit()
    return await _view(repo)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
async def reset_scoring_rules(user: Operator, session: SessionDep) -> None:
    """Back to the defaults; audited."""
    if await ScoringRuleRepository(session, user.tenant_id).reset():
        _audit(session, user.tenant_id, user.user_id, "scoring_rules.reset", {})
    await session.commit()


def _audit(session: SessionDep, tenant_id: str, user_id: str, action: str, detail: dict[str, int]) -> None:
    session.add(
        AuditEvent(
            tenant_id=tenant_id,
            actor_id=user_id,
            action=action,
            object_type="scoring_rules",
            object_id=tenant_id,
            detail=detail,
        )
    )
