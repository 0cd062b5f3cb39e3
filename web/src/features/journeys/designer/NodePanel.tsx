import { Button, Checkbox, Empty, Form, Input, InputNumber, Select, Switch, Typography } from 'antd';
import { zhCN } from '../../../locales/zh-CN';
import type { Fields, NodeKind } from '../graph';
import {
  ACTION_OPTIONS,
  CHECK_FIELD_OPTIONS,
  EVENT_OPTIONS,
  EXIT_OPTIONS,
  LEAD_FIELD_OPTIONS,
  LEVEL_OPTIONS,
  OP_OPTIONS,
  TRIGGER_OPTIONS,
} from '../labels';

const t = zhCN.journeys;
const f = t.fields;

interface Props {
  node: { id: string; kind: NodeKind; fields: Fields; problems: string[] } | null;
  readOnly: boolean;
  onChange: (id: string, fields: Fields) => void;
  onDelete: (id: string) => void;
}

/** The selected node's fields, by kind; each change goes straight to the graph (its checks rerun at once). */
export function NodePanel({ node, readOnly, onChange, onDelete }: Props) {
  const [form] = Form.useForm<Fields>();
  const on = Form.useWatch('on', form);
  const action = Form.useWatch('action', form);
  const checkField = Form.useWatch(['check', 'field'], form);
  if (!node) return <Empty description={t.panelEmpty} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  const kind = node.kind;
  const trigger = kind === 'trigger' ? (on ?? node.fields.on) : undefined;
  const act = kind === 'action' ? (action ?? node.fields.action) : undefined;
  const check =
    kind === 'condition' ? (checkField ?? (node.fields.check as Fields | undefined)?.field) : undefined;

  return (
    <div data-testid="node-panel">
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t.kinds[kind]} · {node.id}
      </Typography.Title>
      {node.problems.length > 0 && (
        <ul data-testid="panel-problems" style={{ color: '#ff4d4f', paddingLeft: 18 }}>
          {node.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <Form
        key={node.id}
        form={form}
        layout="vertical"
        size="small"
        disabled={readOnly}
        initialValues={node.fields}
        onValuesChange={(_, all) => onChange(node.id, { ...node.fields, ...all })}
      >
        {kind === 'trigger' && (
          <>
            <Form.Item name="on" label={f.on}>
              <Select options={TRIGGER_OPTIONS} data-testid="field-on" />
            </Form.Item>
            {trigger === 'score_level' && (
              <Form.Item name="level" label={f.level}>
                <Select options={LEVEL_OPTIONS} />
              </Form.Item>
            )}
            {trigger === 'tag_added' && (
              <Form.Item name="tag" label={f.tag}>
                <Input maxLength={40} />
              </Form.Item>
            )}
            {trigger === 'segment' && (
              <>
                <Form.Item name={['segment', 'level']} label={f.segmentLevel}>
                  <Select allowClear options={LEVEL_OPTIONS} />
                </Form.Item>
                <Form.Item name={['segment', 'min_score']} label={f.segmentMinScore}>
                  <InputNumber min={0} max={100000} style={{ width: '100%' }} />
                </Form.Item>
                <Form.Item name={['segment', 'tag']} label={f.segmentTag}>
                  <Input maxLength={40} />
                </Form.Item>
              </>
            )}
          </>
        )}
        {kind === 'wait' && (
          <>
            <Form.Item name="minutes" label={f.minutes}>
              <InputNumber min={1} max={129600} style={{ width: '100%' }} data-testid="field-minutes" />
            </Form.Item>
            <Form.Item name="until" label={f.until}>
              <Input placeholder="09:00" maxLength={5} data-testid="field-until" />
            </Form.Item>
          </>
        )}
        {kind === 'decision' && (
          <>
            <Form.Item name="event" label={f.event}>
              <Select options={EVENT_OPTIONS} data-testid="field-event" />
            </Form.Item>
            <Form.Item name="timeout_minutes" label={f.timeout}>
              <InputNumber min={1} max={129600} style={{ width: '100%' }} data-testid="field-timeout" />
            </Form.Item>
          </>
        )}
        {kind === 'condition' && (
          <>
            <Form.Item name={['check', 'field']} label={f.checkField}>
              <Select options={CHECK_FIELD_OPTIONS} />
            </Form.Item>
            <Form.Item name={['check', 'op']} label={f.op}>
              <Select options={OP_OPTIONS} />
            </Form.Item>
            {check === 'profile' && (
              <Form.Item name={['check', 'key']} label={f.key}>
                <Input maxLength={40} />
              </Form.Item>
            )}
            {check === 'lead_fields' ? (
              <Form.Item name={['check', 'lead_fields']} label={f.leadFields}>
                <Checkbox.Group options={LEAD_FIELD_OPTIONS} />
              </Form.Item>
            ) : check === 'score' ? (
              <Form.Item name={['check', 'value']} label={f.value}>
                <InputNumber style={{ width: '100%' }} />
              </Form.Item>
            ) : check === 'level' ? (
              <Form.Item name={['check', 'value']} label={f.value}>
                <Select options={LEVEL_OPTIONS} />
              </Form.Item>
            ) : (
              <Form.Item name={['check', 'value']} label={f.value}>
                <Input maxLength={40} />
              </Form.Item>
            )}
          </>
        )}
        {kind === 'action' && (
          <>
            <Form.Item name="action" label={f.action}>
              <Select options={ACTION_OPTIONS} data-testid="field-action" />
            </Form.Item>
            {act === 'send_message' && (
              <Form.Item name="text" label={f.text}>
                <Input.TextArea rows={3} maxLength={500} data-testid="field-text" />
              </Form.Item>
            )}
            {act === 'send_material' && (
              <Form.Item name="material_id" label={f.materialId}>
                <Input maxLength={36} />
              </Form.Item>
            )}
            {(act === 'send_message' || act === 'send_material') && (
              <Form.Item name="proactive" label={f.proactive} valuePropName="checked">
                <Switch />
              </Form.Item>
            )}
            {act === 'add_points' && (
              <Form.Item name="points" label={f.points}>
                <InputNumber min={-100} max={100} style={{ width: '100%' }} />
              </Form.Item>
            )}
            {act === 'tag' && (
              <Form.Item name="tag" label={f.tag}>
                <Input maxLength={40} data-testid="field-tag" />
              </Form.Item>
            )}
            {(act === 'notify' || act === 'create_task') && (
              <Form.Item name="title" label={f.title}>
                <Input maxLength={100} />
              </Form.Item>
            )}
            {act === 'create_task' && (
              <Form.Item name="due_minutes" label={f.dueMinutes}>
                <InputNumber min={0} max={43200} style={{ width: '100%' }} />
              </Form.Item>
            )}
            {act === 'enrol' && (
              <Form.Item name="journey_id" label={f.journeyId}>
                <Input maxLength={36} />
              </Form.Item>
            )}
          </>
        )}
        {kind === 'exit' && (
          <Form.Item name="reason" label={f.reason}>
            <Select options={EXIT_OPTIONS} />
          </Form.Item>
        )}
      </Form>
      {!readOnly && (
        <Button danger size="small" onClick={() => onDelete(node.id)} data-testid="delete-node">
          {t.deleteNode}
        </Button>
      )}
    </div>
  );
}
