import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Drawer, Form, InputNumber, List, Select, Space, Tag, Typography } from 'antd';
import { journeysSimulateJourneyMutation } from '../../../client/@tanstack/react-query.gen';
import type { SimulatedEvent, SimulateIn } from '../../../client/types.gen';
import { isApiError } from '../../../lib/api';
import { zhCN } from '../../../locales/zh-CN';
import { EVENT_OPTIONS, formatTime, LEVEL_OPTIONS } from '../labels';

const t = zhCN.journeys;

interface Values {
  level: 'cold' | 'warm' | 'hot';
  score: number;
  tags: string[];
  events: SimulatedEvent[];
}

interface Props {
  open: boolean;
  journeyId: string;
  onClose: () => void;
  onPath: (nodeIds: string[]) => void;
}

/** A dry run of the saved draft with a test customer and their events; the path is drawn on the graph. */
export function SimulateDrawer({ open, journeyId, onClose, onPath }: Props) {
  const [form] = Form.useForm<Values>();
  const run = useMutation({
    ...journeysSimulateJourneyMutation(),
    onSuccess: (result) => onPath(result.path.map((s) => s.node_id)),
  });
  const submit = (values: Values) => {
    const body: SimulateIn = {
      customer: { level: values.level, score: values.score ?? 0, tags: values.tags ?? [] },
      events: (values.events ?? []).filter((e) => e?.event),
    };
    run.mutate({ path: { journey_id: journeyId }, body });
  };
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t.sim.title}
      width={420}
      mask={false}
      data-testid="simulate-drawer"
    >
      <Form<Values>
        form={form}
        layout="vertical"
        size="small"
        initialValues={{ level: 'cold', score: 0, tags: [], events: [] }}
        onFinish={submit}
      >
        <Space>
          <Form.Item name="level" label={t.sim.level}>
            <Select options={LEVEL_OPTIONS} style={{ width: 100 }} />
          </Form.Item>
          <Form.Item name="score" label={t.sim.score}>
            <InputNumber min={0} max={100000} />
          </Form.Item>
        </Space>
        <Form.Item name="tags" label={t.sim.tags}>
          <Select mode="tags" />
        </Form.Item>
        <Typography.Text strong>{t.sim.events}</Typography.Text>
        <Form.List name="events">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space key={field.key} align="baseline">
                  <Form.Item name={[field.name, 'event']} rules={[{ required: true }]}>
                    <Select options={EVENT_OPTIONS} style={{ width: 140 }} data-testid="sim-event" />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'after_minutes']}
                    initialValue={10}
                    label={t.sim.afterMinutes}
                  >
                    <InputNumber min={0} max={525600} />
                  </Form.Item>
                  <MinusCircleOutlined onClick={() => remove(field.name)} />
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()} block>
                {t.sim.addEvent}
              </Button>
            </>
          )}
        </Form.List>
        <Button
          type="primary"
          htmlType="submit"
          loading={run.isPending}
          style={{ marginTop: 12 }}
          data-testid="sim-run"
        >
          {t.sim.run}
        </Button>
      </Form>
      {run.error && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          message={isApiError(run.error) ? run.error.detail : String(run.error)}
        />
      )}
      {run.data && (
        <div data-testid="sim-result" style={{ marginTop: 16 }}>
          <Tag color={run.data.goal_reached ? 'success' : 'default'}>
            {t.sim.exit(
              t.exitReasons[run.data.exit_reason as keyof typeof t.exitReasons] ?? run.data.exit_reason,
            )}
          </Tag>
          <List
            size="small"
            header={t.sim.path}
            dataSource={run.data.path}
            renderItem={(step) => (
              <List.Item>
                {step.node_id} · {step.outcome} · {formatTime(step.at)}
                {step.detail ? ` · ${step.detail}` : ''}
              </List.Item>
            )}
          />
          <List
            size="small"
            header={t.sim.actions}
            locale={{ emptyText: t.sim.noActions }}
            dataSource={run.data.actions}
            renderItem={(action) => (
              <List.Item>
                {action.node_id} · {t.actions[action.action as keyof typeof t.actions] ?? action.action} ·{' '}
                {formatTime(action.at)} {action.text ?? action.tag ?? ''}
              </List.Item>
            )}
          />
        </div>
      )}
    </Drawer>
  );
}
