"""The platform's response envelopes; business errors are always HTTP 200 with a code in the body.

Every builder takes `now`, the sandbox clock's reading (`runtime.now()`), for its timestamp and log id.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Request
from fastapi.responses import JSONResponse

from douyin_sandbox import ids

EnvelopeStyle = Literal["classic", "oauth", "errno"]

# Codes and the descriptions the platform attaches (from its status-code pages).
DESCRIPTIONS: dict[int, str] = {
    10002: "参数错误",
    10003: "client_key错误",
    10004: "权限不足",
    10005: "缺少参数",
    10006: "非法的重定向URI",
    10007: "授权码过期",
    10008: "access_token无效或已过期",
    10010: "refresh_token过期",
    10013: "client_key或client_secret错误",
    10020: "刷新次数超限",
    28001003: "access_token无效",
    28001005: "系统繁忙，请稍后重试",
    28001007: "参数不合法",
    28001008: "access_token过期,请刷新或重新授权",
    28001012: "用户未授权该api",
    28001015: "access_token和open_id不匹配",
    28003017: "配额已用完",
    28003018: "请求频率过高",
    2100005: "参数不合法",
    2111001: "内容包含敏感词",
    2190005: "视频文件过大",
    2190007: "video_id无效或已被使用",
}


class SandboxApiError(Exception):
    """Raised by handlers; turned into the envelope `style` the path uses."""

    def __init__(
        self,
        code: int,
        description: str | None = None,
        style: EnvelopeStyle = "classic",
        *,
        sub_code: int = 0,
    ) -> None:
        self.code = code
        self.description = description or DESCRIPTIONS.get(code, "error")
        self.style = style
        self.sub_code = sub_code  # `extra.sub_error_code` of a classic envelope
        super().__init__(f"{code}: {self.description}")


def _now_ms(now: float, as_string: bool) -> int | str:
    millis = int(now * 1000)
    return str(millis) if as_string else millis


def classic_ok(payload: dict[str, Any], *, now: float, numbers_as_strings: bool = False) -> dict[str, Any]:
    return {
        "data": {"error_code": 0, "description": "", **payload},
        "extra": {
            "error_code": 0,
            "description": "",
            "sub_error_code": 0,
            "sub_description": "",
            "logid": ids.log_id(now),
            "now": _now_ms(now, numbers_as_strings),
        },
    }


def classic_error(code: int, description: str, *, now: float, sub_code: int = 0) -> dict[str, Any]:
    # Error samples use `log_id` where success samples use `logid`; mirror that.
    return {
        "data": {"error_code": code, "description": description},
        "extra": {
            "error_code": code,
            "description": description,
            "sub_error_code": sub_code,
            "sub_description": description if sub_code else "",
            "log_id": ids.log_id(now),
            "now": _now_ms(now, False),
        },
    }


def oauth_ok(payload: dict[str, Any], *, now: float) -> dict[str, Any]:
    data = {"captcha": "", "desc_url": "", "description": "", "error_code": 0, "log_id": ids.log_id(now)}
    return {"data": {**data, **payload}, "message": "success"}


def oauth_error(code: int, description: str, *, now: float) -> dict[str, Any]:
    data = {"captcha": "", "desc_url": "", "description": description, "error_code": code}
    return {"data": {**data, "log_id": ids.log_id(now)}, "message": "error"}


def errno_ok(payload: dict[str, Any], *, now: float) -> dict[str, Any]:
    log_id = ids.log_id(now)
    return {"err_no": 0, "err_msg": "", "log_id": log_id, "data": {**payload, "log_id": log_id}}


def errno_error(code: int, message: str, *, now: float) -> dict[str, Any]:
    return {"err_no": code, "err_msg": message, "log_id": ids.log_id(now), "data": {}}


def error_body(error: SandboxApiError, *, now: float) -> dict[str, Any]:
    if error.style == "oauth":
        return oauth_error(error.code, error.description, now=now)
    if error.style == "errno":
        return errno_error(error.code, error.description, now=now)
    return classic_error(error.code, error.description, now=now, sub_code=error.sub_code)


def request_now(request: Request) -> float:
    """The clock of the app serving `request`, for handlers that have no runtime dependency."""
    now: float = request.app.state.runtime.now()
    return now


async def sandbox_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SandboxApiError)
    return JSONResponse(error_body(exc, now=request_now(request)), status_code=200)
