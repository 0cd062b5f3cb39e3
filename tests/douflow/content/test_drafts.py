"""The post Douyin receives: the AI declaration line is part of its text and of its length check."""

from __future__ import annotations

from douflow.content.drafts import AI_DECLARATION, build_draft, compose_text, declaration_for
from douflow.db.tables import Content, ContentAsset, Tenant
from douflow.platforms import rules_for


def _content(ai_declaration: bool = True) -> Content:
    return Content(id="c1", tenant_id="t1", kind="image_post", title="标题", ai_declaration=ai_declaration)


def _image() -> ContentAsset:
    return ContentAsset(role="cover", position=0, storage_key="k.png", created_at=None)


def test_the_declaration_is_the_last_line_of_the_text() -> None:
    text = compose_text("标题", "正文", ["#话题"], AI_DECLARATION)

    assert text == f"标题\n正文\n#话题\n{AI_DECLARATION}"
    assert compose_text("标题", "正文", ["#话题"]) == "标题\n正文\n#话题"


def test_the_tenant_and_the_content_each_can_leave_it_out() -> None:
    on, off = Tenant(ai_declaration=True), Tenant(ai_declaration=False)

    assert declaration_for(on, _content()) == AI_DECLARATION
    assert declaration_for(on, _content(ai_declaration=False)) is None
    assert declaration_for(off, _content()) is None


def test_a_text_at_the_limit_goes_over_it_with_the_line() -> None:
    limit = rules_for("douyin").body_max
    body = {"title": "标题", "body": "字" * (limit - len("标题\n")), "hashtags": []}

    plain = build_draft(_content(), body, [_image()])
    declared = build_draft(_content(), body, [_image()], declaration=AI_DECLARATION)

    assert plain.problems == [] and len(plain.text) == limit
    assert declared.text.endswith(AI_DECLARATION)
    assert declared.problems == [
        f"post text has {limit + 1 + len(AI_DECLARATION)} characters (with the "
        f"{len(AI_DECLARATION) + 1}-character AI declaration line), Douyin allows {limit}"
    ]
