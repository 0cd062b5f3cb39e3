"""Every run is started the same way: its business key, its tenant and feature, a readable summary."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from temporalio.common import TypedSearchAttributes

from douflow.temporal import ids, starts
from douflow.temporal.search import CONTENT_ID, DOUYIN_ACCOUNT_ID, FEATURE, TENANT_ID, Feature
from douflow.temporal.summaries import SUMMARY_MAX, publish_summary, summary
from models.calendar import CalendarRunInput
from models.content import Actor, ContentEdit
from models.douyin_accounts import BindingInput, DouyinEventInput, UnbindInput
from models.generation import TitleRequest
from models.metrics import MetricsSyncInput
from models.publish import PublishInput
from models.workflows import ContentEditInput, TitleGenerationInput
from workflows.registry import WORKFLOWS

ACTOR = Actor(tenant_id="t1", user_id="u1")
TITLE = "三分钟学会手冲咖啡"

RUNS = {
    "titles": starts.generation(
        Feature.TITLES,
        TitleGenerationInput(actor=ACTOR, request=TitleRequest(topic="手冲咖啡")),
        tenant_id="t1",
        request_key="k1",
        topic="手冲咖啡",
    ),
    "edit": starts.content_edit(
        ContentEditInput(edit=ContentEdit(content_id="c1", actor=ACTOR, base_version=2, title="新标题")),
        title=TITLE,
        request_key="k2",
        named_base=2,
    ),
    "publish": starts.publish(PublishInput(actor=ACTOR, content_id="c1", account_id="a1"), title=TITLE),
    "calendar": starts.calendar_run(
        CalendarRunInput(entry_id="e1", actor=ACTOR, content_id="c1", account_id="a1", one_off=True),
        title=TITLE,
    ),
    "binding": starts.binding(BindingInput(tenant_id="t1", user_id="u1", state="s1", code_enc="x")),
    "unbind": starts.unbind(UnbindInput(tenant_id="t1", account_id="a1", user_id="u1"), request_key="k3"),
    "event": starts.douyin_event(
        DouyinEventInput(tenant_id="t1", msg_id="m1", event="unauthorize"), tenant_id="t1"
    ),
    "metrics": starts.metrics_sync(MetricsSyncInput(tenant_id="t1", account_id="a1")),
}


def _values(tags: TypedSearchAttributes) -> dict[str, object]:
    return {pair.key.name: pair.value for pair in tags}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_every_run_carries_its_tenant_a_known_feature_and_a_one_line_summary(name: str) -> None:
    run = RUNS[name]
    values = _values(run.tags)
    assert values[TENANT_ID.name] == "t1"
    assert values[FEATURE.name] in {feature.value for feature in Feature}
    assert run.summary and "\n" not in run.summary and len(run.summary) <= SUMMARY_MAX
    assert run.workflow in {cls.__name__ for cls in WORKFLOWS}


def test_runs_about_a_content_or_an_account_are_findable_by_it_and_show_the_title() -> None:
    publish = _values(RUNS["publish"].tags)
    assert (publish[CONTENT_ID.name], publish[DOUYIN_ACCOUNT_ID.name]) == ("c1", "a1")
    assert TITLE in RUNS["publish"].summary and TITLE in RUNS["calendar"].summary
    assert _values(RUNS["metrics"].tags)[DOUYIN_ACCOUNT_ID.name] == "a1"


def test_ids_are_business_keys() -> None:
    assert RUNS["publish"].id == ids.publish_workflow_id("c1", "a1") == "publish-c1-a1"
    occurrence = ids.occurrence_key(datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    assert ids.publish_workflow_id("c1", "a1", occurrence) == "publish-c1-a1-20261201T093000Z"
    pinned = PublishInput(
        actor=ACTOR, content_id="c1", account_id="a1", content_version=3, occurrence=occurrence
    )
    assert starts.publish(pinned, title=TITLE).id == "publish-c1-v3-a1-20261201T093000Z"
    assert RUNS["calendar"].id == ids.calendar_schedule_id("e1")
    assert RUNS["event"].id == ids.douyin_event_workflow_id("t1", "m1")
    assert RUNS["titles"].id == ids.generation_workflow_id("titles", "t1", "k1")


def test_a_long_summary_is_cut_to_one_short_line() -> None:
    text = summary("话题 " * 200 + "\n第二行")
    assert len(text) == SUMMARY_MAX and text.endswith("…") and "\n" not in text


def test_a_content_without_a_title_is_named_by_its_id() -> None:
    assert publish_summary("", "c9", "a1") == "Publish content c9 to Douyin account a1"
    assert publish_summary(None, "c9", "a1") == publish_summary("  ", "c9", "a1")
