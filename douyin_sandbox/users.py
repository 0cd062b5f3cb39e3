"""The fixed cast of sandbox Douyin accounts; open_ids never change so tests and demos can name them.

Most authorizable accounts are enterprise accounts; 阿杰的厨房 is the personal one (no private messages).
"""

from __future__ import annotations

from pydantic import BaseModel


class SandboxUser(BaseModel):
    open_id: str
    union_id: str
    nickname: str
    avatar: str
    # Set for enterprise accounts ("EAccountS" etc.); only they may use private messages (im_routes.py).
    e_account_role: str = ""
    gender: int = 0
    city: str = ""
    # An enterprise account (企业号) may grant private messages (`im.direct_message`); a personal one may not.
    enterprise: bool = False
    # Customers only send private messages; they are not offered on the authorization page.
    authorizable: bool = True


def _avatar(name: str) -> str:
    return f"https://p3.douyinpic.com/aweme/100x100/sandbox-{name}.jpeg"


SANDBOX_USERS: tuple[SandboxUser, ...] = (
    SandboxUser(
        open_id="ba253642-0590-40bc-9bdf-9a1334b94059",
        union_id="1ad4e099-4a0c-47d1-a410-bffb4f2f64a4",
        nickname="小鹿咖啡馆官方号",
        avatar=_avatar("cafe"),
        e_account_role="EAccountS",
        city="杭州",
        enterprise=True,
    ),
    SandboxUser(
        open_id="2f9d3c1e-7a4b-4e1a-9c55-0d7f3b8a6e21",
        union_id="6c1f0b7e-2d3a-4c59-8e14-5a7b9c0d1e2f",
        nickname="阿杰的厨房",
        avatar=_avatar("kitchen"),
        gender=1,
        city="成都",
    ),
    SandboxUser(
        open_id="7e4a1b2c-3d5f-4a6b-8c9d-0e1f2a3b4c5d",
        union_id="0b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e",
        nickname="旅行的小周",
        avatar=_avatar("travel"),
        e_account_role="EAccountM",
        gender=2,
        city="厦门",
        enterprise=True,
    ),
    SandboxUser(
        open_id="c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f",
        union_id="9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b",
        nickname="程序员老王",
        avatar=_avatar("coder"),
        e_account_role="EAccountK",
        gender=1,
        city="北京",
        enterprise=True,
    ),
    SandboxUser(
        open_id="5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d",
        union_id="4d5e6f7a-8b9c-4d0e-8f1a-2b3c4d5e6f7a",
        nickname="爱喝拿铁的顾客",
        avatar=_avatar("customer1"),
        gender=2,
        authorizable=False,
    ),
    SandboxUser(
        open_id="8f9a0b1c-2d3e-4f4a-9b5c-6d7e8f9a0b1c",
        union_id="3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
        nickname="路过的吃货",
        avatar=_avatar("customer2"),
        gender=1,
        authorizable=False,
    ),
)

USERS_BY_OPEN_ID = {user.open_id: user for user in SANDBOX_USERS}
DEFAULT_CUSTOMER = SANDBOX_USERS[4]
