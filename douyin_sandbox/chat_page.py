"""`GET /sandbox/chat`: a page where a person plays a Douyin customer writing to an enterprise account.

Plain HTML and a little JavaScript, no assets from elsewhere: the form calls the admin triggers
(`im/receive`, `im/enter`, im_admin.py) and the chat is `im/messages`, polled every second. Text from the
server reaches the page through `textContent` only; the few names baked into the page are escaped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from html import escape
from string import Template

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from douyin_sandbox.users import SANDBOX_USERS, SandboxUser

router = APIRouter(tags=["sandbox-pages"])

_PAGE = Template("""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>私信（沙箱）</title>
<style>
body{font-family:-apple-system,"PingFang SC",sans-serif;background:#161823;color:#fff;margin:0}
main{max-width:640px;margin:24px auto;background:#252632;border-radius:12px;padding:20px}
h1{font-size:20px} label{display:block;margin:8px 0 4px} small{color:#aaa}
select,input,textarea{width:100%;box-sizing:border-box;padding:8px;border-radius:6px;border:1px solid #444;
background:#161823;color:#fff;font-size:15px}
button{background:#fe2c55;color:#fff;border:0;border-radius:8px;padding:10px 18px;font-size:15px;margin:8px 8px 0 0}
button.plain{background:#444} #status{color:#fe2c55;min-height:1.2em}
#chat{margin-top:16px;border-top:1px solid #444;padding-top:8px;min-height:120px}
.msg{margin:8px 0;max-width:80%;padding:8px 12px;border-radius:10px;clear:both}
.received{background:#3a3b47;float:right} .sent{background:#fe2c55;float:left}
.meta{display:block;font-size:12px;color:#ddd;margin-bottom:4px} .end{clear:both}
</style></head><body><main>
<h1>抖音私信 · 沙箱</h1>
<p><small>扮演一位顾客给企业号发私信；账号的回复（机器人或账号里的人）实时显示在下方。</small></p>
<form id="chat-form">
<label for="account">企业号</label>
<select id="account" name="account">$accounts</select>
<label for="customer">顾客</label>
<select id="customer" name="customer">$customers<option value="">自己输入 open_id…</option></select>
<input id="customer-open-id" name="customer_open_id" placeholder="顾客 open_id" hidden>
<label for="text">消息</label>
<textarea id="text" name="text" rows="2" placeholder="想问点什么？"></textarea>
<button type="submit">发送</button><button type="button" class="plain" id="enter">打开私信页</button>
</form>
<div id="status"></div>
<div id="chat"></div><div class="end"></div>
</main>
<script>
const NAMES = $names;
const form = document.getElementById("chat-form");
const account = document.getElementById("account");
const customer = document.getElementById("customer");
const typed = document.getElementById("customer-open-id");
const text = document.getElementById("text");
const statusLine = document.getElementById("status");
const chat = document.getElementById("chat");
let conversation = null;
let shown = "";

function customerId() { return customer.value || typed.value.trim(); }
function nameOf(openId) { return NAMES[openId] || openId; }
function restart() { conversation = null; shown = ""; chat.replaceChildren(); }

async function admin(path, body) {
  const response = await fetch("/sandbox/admin/im/" + path, {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
  if (!response.ok) { throw new Error(path + ": " + response.status + " " + await response.text()); }
  return response.json();
}

function bubble(message) {
  const box = document.createElement("div");
  box.className = "msg " + message.direction;
  const meta = document.createElement("span");
  meta.className = "meta";
  const who = message.direction === "received" ? "顾客 " + nameOf(message.from_open_id)
    : (message.source ? "应用（" + message.source + "）" : "账号里的人");
  const when = new Date(message.created_at * 1000).toLocaleTimeString();
  meta.textContent = who + " · " + when + (message.scene ? " · " + message.scene : "");
  const body = document.createElement("span");
  body.textContent = message.message_type === "text" ? message.text : "[" + message.message_type + "]";
  box.append(meta, body);
  return box;
}

async function refresh() {
  if (!conversation) { return; }
  const response = await fetch("/sandbox/admin/im/messages?conversation_id=" + encodeURIComponent(conversation));
  if (!response.ok) { return; }
  const messages = await response.json();
  const seen = JSON.stringify(messages.map(m => [m.server_message_id, m.recalled]));
  if (seen === shown) { return; }
  shown = seen;
  chat.replaceChildren(...messages.map(bubble));
}

async function act(step) {
  statusLine.textContent = "";
  if (!customerId()) { statusLine.textContent = "先选一位顾客或输入 open_id"; return; }
  try { await step(); await refresh(); } catch (error) { statusLine.textContent = String(error); }
}

form.addEventListener("submit", event => {
  event.preventDefault();
  if (!text.value.trim()) { return; }
  act(async () => {
    const sent = await admin("receive", {to_open_id: account.value, from_open_id: customerId(),
      text: text.value, conversation_short_id: conversation});
    conversation = sent.content.conversation_short_id;
    text.value = "";
  });
});
document.getElementById("enter").addEventListener("click", () => act(async () => {
  const entered = await admin("enter", {open_id: account.value, from_open_id: customerId(),
    conversation_short_id: conversation});
  conversation = entered.conversation_short_id;
}));
customer.addEventListener("change", () => { typed.hidden = customer.value !== ""; restart(); });
typed.addEventListener("change", restart);
account.addEventListener("change", restart);
setInterval(refresh, 1000);
</script></body></html>""")


def _options(users: Iterable[SandboxUser]) -> str:
    return "".join(
        f'<option value="{escape(u.open_id)}">{escape(u.nickname)} · {escape(u.open_id[:8])}</option>'
        for u in users
    )


def _script_json(value: object) -> str:
    """JSON that cannot close the script element it sits in."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def chat_page(users: Iterable[SandboxUser]) -> str:
    """Enterprise accounts to write to (only they receive private messages) and the customer users."""
    cast = list(users)
    accounts = [u for u in cast if u.enterprise]
    customers = [u for u in cast if not u.authorizable]
    names = {u.open_id: u.nickname for u in cast}
    return _PAGE.substitute(
        accounts=_options(accounts), customers=_options(customers), names=_script_json(names)
    )


@router.get("/sandbox/chat", response_class=HTMLResponse)
async def chat() -> HTMLResponse:
    """The customer's side of private messages, for a person in a browser."""
    return HTMLResponse(chat_page(SANDBOX_USERS))
