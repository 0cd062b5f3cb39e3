"""HTML for the authorization page a person clicks through in a browser (no template engine needed)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from string import Template

from douyin_sandbox.users import SandboxUser

SCOPE_LABELS: dict[str, str] = {
    "user_info": "获取你的公开信息（昵称、头像）",
    "video.create.bind": "代替你发布抖音内容",
    "video.list.bind": "查询你发布的视频列表",
    "video.data.bind": "查询你的视频数据",
    "item.comment": "管理你视频下的评论",
    "im.direct_message": "接收与回复私信（仅企业号）",
    "user.intention": "获取点赞、关注等互动事件",
    "renew_refresh_token": "保持长期授权",
    "trial.whitelist": "测试应用白名单",
}

_PAGE = Template("""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>抖音授权（沙箱）</title>
<style>
body{font-family:-apple-system,"PingFang SC",sans-serif;background:#161823;color:#fff;margin:0}
main{max-width:480px;margin:40px auto;background:#252632;border-radius:12px;padding:24px}
h1{font-size:20px} .err{background:#fe2c55;padding:12px;border-radius:8px}
label{display:block;padding:6px 0} .user{border:1px solid #444;border-radius:8px;margin:6px 0;padding:8px}
button{background:#fe2c55;color:#fff;border:0;border-radius:8px;padding:12px 24px;font-size:16px;width:100%}
small{color:#aaa}
</style></head><body><main>
<h1>抖音开放平台 · 沙箱授权</h1>
$body
</main></body></html>""")


def error_page(code: int, description: str) -> str:
    body = (
        f'<div class="err" data-error-code="{code}"><b>授权失败</b><br>'
        f"error_code: {code}<br>{escape(description)}</div>"
    )
    return _PAGE.substitute(body=body)


def _hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'


def authorize_page(
    *,
    client_key: str,
    redirect_uri: str,
    state: str,
    users: Iterable[SandboxUser],
    scopes: list[tuple[str, bool]],
    notice: str | None = None,
) -> str:
    """`scopes` pairs a scope with whether its box starts ticked."""
    user_rows = []
    for index, user in enumerate(users):
        checked = " checked" if index == 0 else ""
        role = "（企业号）" if user.enterprise else ""
        radio = f'<input type="radio" name="open_id" value="{escape(user.open_id)}"{checked}>'
        user_rows.append(
            f'<label class="user">{radio} '
            f"{escape(user.nickname)}{role}<br><small>{escape(user.open_id)}</small></label>"
        )
    scope_rows = [
        f'<label><input type="checkbox" name="scope" value="{escape(scope)}"{" checked" if ticked else ""}> '
        f"{escape(SCOPE_LABELS.get(scope, scope))} <small>{escape(scope)}</small></label>"
        for scope, ticked in scopes
    ]
    notice_html = f'<div class="err">{escape(notice)}</div>' if notice else ""
    body = (
        f"{notice_html}<p>应用 <b>{escape(client_key)}</b> 申请使用你的抖音账号</p>"
        '<form method="post" action="/platform/oauth/connect/">'
        + _hidden("client_key", client_key)
        + _hidden("redirect_uri", redirect_uri)
        + _hidden("state", state)
        + _hidden("response_type", "code")
        + "<h2>选择账号</h2>"
        + "".join(user_rows)
        + "<h2>授权范围</h2>"
        + "".join(scope_rows)
        + '<p><button type="submit">同意授权</button></p></form>'
    )
    return _PAGE.substitute(body=body)
