"""OAuth against the sandbox: consent form, code rules, refresh/renew limits, token expiry, scopes."""

from __future__ import annotations

import time

import httpx
import pytest

from activities.douyin.client import DouyinClient
from activities.douyin.errors import DouyinReauthRequired, DouyinRejected, DouyinTokenExpired
from activities.douyin.oauth import DouyinOAuth
from douyin_sandbox.testing import ENTERPRISE_OPEN_ID, PERSONAL_OPEN_ID, RunningSandbox
from douyin_sandbox.users import SANDBOX_USERS
from tests.douyin_sandbox.helpers import REDIRECT_URI, code_from, consent

SCOPES = ["user_info", "video.create.bind", "video.list.bind", "video.data.bind"]


def whole_second() -> float:
    """Now, rounded down to a whole second: lifetimes counted from it stay exact in floating point."""
    return float(int(time.time()))


def oauth_for(sandbox: RunningSandbox, secret: str | None = None) -> DouyinOAuth:
    return DouyinOAuth(
        sandbox.base_url, sandbox.config.client_key, secret or sandbox.config.client_secret, REDIRECT_URI
    )


async def test_consent_page_offers_users_and_scopes(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient
):
    page = await douyin_http.get(
        f"{douyin_sandbox.base_url}/platform/oauth/connect/",
        params={"client_key": "douflow-dev-key", "response_type": "code", "scope": ",".join(SCOPES),
                "redirect_uri": REDIRECT_URI, "state": "abc", "optionalScope": "item.comment,0"},
    )  # fmt: skip
    assert page.status_code == 200
    authorizable = [user for user in SANDBOX_USERS if user.authorizable]
    assert len(authorizable) >= 4
    for user in authorizable:
        assert user.open_id in page.text and user.nickname in page.text
    assert page.text.count("企业号") == sum(user.enterprise for user in authorizable)
    assert not all(user.enterprise for user in authorizable), "a personal account to bind without IM"
    for scope in [*SCOPES, "renew_refresh_token"]:
        assert f'name="scope" value="{scope}" checked' in page.text
    assert 'name="scope" value="item.comment">' in page.text  # optional, not pre-ticked


async def test_form_flow_code_is_single_use(douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient):
    response = await consent(douyin_http, douyin_sandbox.base_url, ENTERPRISE_OPEN_ID, SCOPES, state="xyz-1")
    code, state = code_from(response)
    assert state == "xyz-1"
    assert response.headers["location"].startswith(REDIRECT_URI + "?")

    async with oauth_for(douyin_sandbox) as oauth:
        token = await oauth.exchange_code(code)
        assert token.access_token.startswith("act.") and token.refresh_token.startswith("rft.")
        assert token.open_id == ENTERPRISE_OPEN_ID
        assert set(SCOPES) <= set(token.scopes)
        assert token.expires_in == 1_296_000  # sent as a string by the sandbox
        with pytest.raises(DouyinReauthRequired) as reused:
            await oauth.exchange_code(code)
    assert reused.value.code == 10007 and reused.value.reason == "code_invalid"


async def test_reauthorising_invalidates_the_earlier_code(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient
):
    first, _ = code_from(await consent(douyin_http, douyin_sandbox.base_url, PERSONAL_OPEN_ID, SCOPES))
    second, _ = code_from(await consent(douyin_http, douyin_sandbox.base_url, PERSONAL_OPEN_ID, SCOPES))
    async with oauth_for(douyin_sandbox) as oauth:
        with pytest.raises(DouyinReauthRequired):
            await oauth.exchange_code(first)
        assert (await oauth.exchange_code(second)).open_id == PERSONAL_OPEN_ID


async def test_code_expires(douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient):
    await douyin_sandbox.update_config(code_ttl=0.3)
    await douyin_sandbox.freeze_clock()
    code, _ = code_from(await consent(douyin_http, douyin_sandbox.base_url, ENTERPRISE_OPEN_ID, SCOPES))
    await douyin_sandbox.advance_clock(0.4)
    async with oauth_for(douyin_sandbox) as oauth:
        with pytest.raises(DouyinReauthRequired) as expired:
            await oauth.exchange_code(code)
    assert expired.value.code == 10007


async def test_wrong_secret_is_rejected(douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient):
    code, _ = code_from(await consent(douyin_http, douyin_sandbox.base_url, ENTERPRISE_OPEN_ID, SCOPES))
    async with oauth_for(douyin_sandbox, secret="not-the-secret") as oauth:
        with pytest.raises(DouyinRejected) as wrong:
            await oauth.exchange_code(code)
    assert wrong.value.code == 10013


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"redirect_uri": "https://evil.example.com/cb"}, 10006),
        ({"redirect_uri": REDIRECT_URI + "?next=/x"}, 10006),
        ({"redirect_uri": ""}, 10006),
        ({"client_key": "someone-else"}, 10003),
        ({"scope": "user_info,not.a.scope"}, 28004020),
    ],
)
async def test_consent_page_shows_errors(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient, params: dict[str, str], code: int
):
    query = {"client_key": "douflow-dev-key", "response_type": "code", "scope": "user_info",
             "redirect_uri": REDIRECT_URI, "state": "s"} | params  # fmt: skip
    page = await douyin_http.get(f"{douyin_sandbox.base_url}/platform/oauth/connect/", params=query)
    assert page.status_code == 400
    assert f'data-error-code="{code}"' in page.text
    assert "<form" not in page.text


async def test_submit_with_bad_redirect_uri_does_not_redirect(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient
):
    form = {"client_key": "douflow-dev-key", "redirect_uri": "https://evil.example.com/cb", "state": "s",
            "open_id": ENTERPRISE_OPEN_ID, "scope": ["user_info"]}  # fmt: skip
    response = await douyin_http.post(f"{douyin_sandbox.base_url}/platform/oauth/connect/", data=form)
    assert response.status_code == 400 and 'data-error-code="10006"' in response.text


async def test_refresh_keeps_refresh_token_expiry(
    douyin_sandbox: RunningSandbox, douyin_client: DouyinClient
):
    await douyin_sandbox.freeze_clock(whole_second())
    issued = await douyin_sandbox.issue_tokens(ENTERPRISE_OPEN_ID)
    await douyin_sandbox.advance_clock(3600)
    refreshed = await douyin_client.refresh_access_token(issued["refresh_token"])
    assert refreshed.access_token != issued["access_token"]
    assert refreshed.refresh_token == issued["refresh_token"]
    assert refreshed.refresh_expires_in < issued["refresh_expires_in"]
    assert refreshed.refresh_expires_in == issued["refresh_expires_in"] - 3600
    profile = await douyin_client.user_info(refreshed.access_token, ENTERPRISE_OPEN_ID)
    assert profile.nickname == "小鹿咖啡馆官方号" and profile.e_account_role == "EAccountS"


async def test_renewal_limit(douyin_sandbox: RunningSandbox, douyin_client: DouyinClient):
    await douyin_sandbox.update_config(max_refresh_renewals=2)
    refresh = (await douyin_sandbox.issue_tokens(ENTERPRISE_OPEN_ID))["refresh_token"]
    for _ in range(2):
        renewed = await douyin_client.renew_refresh_token(refresh)
        assert renewed.refresh_token.startswith("rft.") and renewed.refresh_token != refresh
        with pytest.raises(DouyinReauthRequired):  # the old one is gone
            await douyin_client.refresh_access_token(refresh)
        refresh = renewed.refresh_token
    with pytest.raises(DouyinReauthRequired) as limit:
        await douyin_client.renew_refresh_token(refresh)
    assert limit.value.code == 10020 and limit.value.reason == "renew_limit_reached"
    await douyin_client.refresh_access_token(refresh)  # still usable for refreshing


async def test_renewal_needs_its_scope(douyin_sandbox: RunningSandbox, douyin_client: DouyinClient):
    issued = await douyin_sandbox.issue_tokens(ENTERPRISE_OPEN_ID, scopes=["user_info"])
    with pytest.raises(DouyinReauthRequired) as denied:
        await douyin_client.renew_refresh_token(issued["refresh_token"])
    assert denied.value.code == 10004


async def test_expired_refresh_token_needs_reauth(
    douyin_sandbox: RunningSandbox, douyin_client: DouyinClient
):
    await douyin_sandbox.update_config(refresh_token_ttl=0.3)
    await douyin_sandbox.freeze_clock()
    issued = await douyin_sandbox.issue_tokens(ENTERPRISE_OPEN_ID)
    await douyin_sandbox.advance_clock(0.4)
    with pytest.raises(DouyinReauthRequired) as expired:
        await douyin_client.refresh_access_token(issued["refresh_token"])
    assert expired.value.code == 10010 and expired.value.reason == "refresh_token_expired"


async def test_access_token_expiry_then_refresh(douyin_sandbox: RunningSandbox, douyin_client: DouyinClient):
    await douyin_sandbox.update_config(access_token_ttl=1)
    await douyin_sandbox.freeze_clock(whole_second())
    issued = await douyin_sandbox.issue_tokens(ENTERPRISE_OPEN_ID)
    await douyin_client.video_list(issued["access_token"], ENTERPRISE_OPEN_ID)
    await douyin_sandbox.advance_clock(0.5)
    await douyin_client.video_list(issued["access_token"], ENTERPRISE_OPEN_ID)  # not yet
    await douyin_sandbox.advance_clock(0.5)

    with pytest.raises(DouyinTokenExpired) as expired:
        await douyin_client.video_list(issued["access_token"], ENTERPRISE_OPEN_ID)
    assert expired.value.code == 28001008
    with pytest.raises(DouyinTokenExpired) as on_userinfo:
        await douyin_client.user_info(issued["access_token"], ENTERPRISE_OPEN_ID)
    assert on_userinfo.value.code == 28001008  # err_no envelope
    fresh = await douyin_client.refresh_access_token(issued["refresh_token"])
    await douyin_client.video_list(fresh.access_token, ENTERPRISE_OPEN_ID)


async def test_scope_missing_and_open_id_mismatch(
    douyin_sandbox: RunningSandbox, douyin_client: DouyinClient
):
    issued = await douyin_sandbox.issue_tokens(ENTERPRISE_OPEN_ID, scopes=["user_info", "video.list.bind"])
    token = issued["access_token"]
    with pytest.raises(DouyinReauthRequired) as scope:
        await douyin_client.video_data(token, ENTERPRISE_OPEN_ID, ["@x=="])
    assert scope.value.code == 28001012 and scope.value.reason == "scope_missing"
    with pytest.raises(DouyinReauthRequired) as mismatch:
        await douyin_client.video_list(token, PERSONAL_OPEN_ID)
    assert mismatch.value.code == 28001015
    with pytest.raises(DouyinReauthRequired) as invalid:
        await douyin_client.video_list("act.forged", ENTERPRISE_OPEN_ID)
    assert invalid.value.code == 28001003 and invalid.value.reason == "token_invalid"


async def test_unauthorize_kills_tokens(douyin_sandbox: RunningSandbox, douyin_client: DouyinClient):
    issued = await douyin_sandbox.issue_tokens(PERSONAL_OPEN_ID)
    await douyin_sandbox.admin("POST", "unauthorize", {"open_id": PERSONAL_OPEN_ID})
    with pytest.raises(DouyinReauthRequired):
        await douyin_client.video_list(issued["access_token"], PERSONAL_OPEN_ID)
    with pytest.raises(DouyinReauthRequired):
        await douyin_client.refresh_access_token(issued["refresh_token"])
    users = {user["open_id"]: user for user in await douyin_sandbox.users()}
    assert users[PERSONAL_OPEN_ID]["authorized"] is False


async def test_client_token(douyin_sandbox: RunningSandbox, douyin_client: DouyinClient, douyin_http):
    token = await douyin_client.client_token()
    assert token.access_token.startswith("clt.") and token.expires_in == 7200
    raw = await douyin_http.post(
        f"{douyin_sandbox.base_url}/oauth/client_token/",
        json={"client_key": "douflow-dev-key", "client_secret": "wrong", "grant_type": "client_credential"},
    )
    assert raw.status_code == 200
    assert raw.json()["message"] == "error" and raw.json()["data"]["error_code"] == 10013


async def test_token_endpoint_accepts_form_json_and_query(
    douyin_sandbox: RunningSandbox, douyin_http: httpx.AsyncClient
):
    url = f"{douyin_sandbox.base_url}/oauth/access_token/"
    for how in ("data", "json", "params"):
        code, _ = code_from(await consent(douyin_http, douyin_sandbox.base_url, ENTERPRISE_OPEN_ID, SCOPES))
        body = {"client_key": "douflow-dev-key", "client_secret": "douflow-dev-secret", "code": code,
                "grant_type": "authorization_code"}  # fmt: skip
        response = await douyin_http.post(url, **{how: body})
        assert response.json()["data"]["error_code"] == 0, how
