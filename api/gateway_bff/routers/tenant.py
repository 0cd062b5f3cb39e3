"""The caller's tenant: its policies (approval before publish, AI declaration), changed by its admins."""

from __future__ import annotations

from fastapi import APIRouter

from api.gateway_bff.deps import Admin, CurrentUser, SessionDep
from api.gateway_bff.errors import NotFound
from api.gateway_bff.guarded_route import GuardedRoute
from api.gateway_bff.openapi_errors import answers
from api.gateway_bff.schemas.tenant import TenantPatch, TenantView
from douflow.db.tables import AuditEvent, Tenant

router = APIRouter(prefix="/api/v1/tenant", tags=["tenant"], route_class=GuardedRoute)


def _view(tenant: Tenant) -> TenantView:
    return TenantView.model_validate(tenant, from_attributes=True)


async def _tenant(session: SessionDep, tenant_id: str) -> Tenant:
    tenant = await session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("tenant not found")
    return tenant


@router.get("", responses=answers(404))
async def get_tenant(user: CurrentUser, session: SessionDep) -> TenantView:
    return _view(await _tenant(session, user.tenant_id))


@router.patch("", responses=answers(404))
async def change_tenant(body: TenantPatch, admin: Admin, session: SessionDep) -> TenantView:
    """Turns approval before publish or the AI declaration on or off; audited.

    Requiring approval holds every content not yet approved, including planned calendar runs when they fire.
    """
    tenant = await _tenant(session, admin.tenant_id)
    changes = body.model_dump(exclude_none=True)
    for field, value in changes.items():
        setattr(tenant, field, value)
    session.add(
        AuditEvent(
            tenant_id=tenant.id,
            actor_id=admin.user_id,
            action="tenant.policy_changed",
            object_type="tenant",
            object_id=tenant.id,
            detail=changes,
        )
    )
    await session.commit()
    return _view(tenant)
