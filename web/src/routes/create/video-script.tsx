import {
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import { Link } from 'react-router';
import type { Shot, VideoScriptRequest } from '../../client/types.gen';
import { RoleGate } from '../../components/RoleGate';
import { useDirtyForm } from '../../components/useUnsavedPrompt';
import { BriefFields, type BriefValues, briefOf } from '../../features/create/components/BriefFields';
import { ComplianceSummary } from '../../features/create/components/ComplianceSummary';
import { FlaggedText } from '../../features/create/components/FlaggedText';
import { GenerationState } from '../../features/create/components/GenerationState';
import { clock, type Timed, timeline } from '../../features/create/timing';
import { useVideoScriptGeneration } from '../../features/create/useGeneration';
import { fmt } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.create;
const SCRIPT_TYPES = Object.entries(t.scriptTypes).map(([value, label]) => ({ value, label }));

interface ScriptForm extends BriefValues {
  script_type: NonNullable<VideoScriptRequest['script_type']>;
  duration_seconds: number;
}

/** Video scripts: the hook, then a shot table with each shot's time in the video. */
export function VideoScriptPage() {
  const generation = useVideoScriptGeneration();
  const brief = useDirtyForm();
  const result = generation.result;
  const terms = result?.compliance.findings?.map((f) => f.term) ?? [];
  const flagged = (text: string) => <FlaggedText text={text} terms={terms} />;

  return (
    <RoleGate page="create.videoScript">
      <Row gutter={24}>
        <Col xs={24} xl={8}>
          <Card title={t.scriptTitle}>
            <Typography.Paragraph type="secondary">{t.scriptIntro}</Typography.Paragraph>
            <Form<ScriptForm>
              layout="vertical"
              initialValues={{ script_type: 'product_seeding', duration_seconds: 60 }}
              onValuesChange={brief.touched}
              onFinish={(values) => {
                brief.clean();
                generation.start({
                  ...briefOf(values),
                  script_type: values.script_type,
                  duration_seconds: values.duration_seconds,
                });
              }}
            >
              <BriefFields />
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item name="script_type" label={t.scriptType}>
                    <Select options={SCRIPT_TYPES} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="duration_seconds" label={t.duration}>
                    <InputNumber min={10} max={600} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
              </Row>
              <Button
                type="primary"
                htmlType="submit"
                loading={generation.running}
                block
                data-testid="generate"
              >
                {generation.running ? t.running : t.scriptSubmit}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={16}>
          <Card title={t.scriptResults}>
            <GenerationState {...generation} emptyText={t.scriptEmpty} />
            {result && (
              <Space direction="vertical" style={{ width: '100%' }} data-testid="results">
                <ComplianceSummary report={result.compliance} />
                <Typography.Title level={5}>
                  {flagged(result.script.title)}{' '}
                  <Typography.Text type="secondary">
                    {fmt(t.totalDuration, { seconds: result.script.total_duration_seconds })}
                  </Typography.Text>
                </Typography.Title>
                <Descriptions column={1} size="small" bordered>
                  <Descriptions.Item label={`${t.hook} 0:00–${clock(result.script.hook.duration_seconds)}`}>
                    {flagged(result.script.hook.text)}
                    <br />
                    <Typography.Text type="secondary">{result.script.hook.visual}</Typography.Text>
                  </Descriptions.Item>
                </Descriptions>
                <Table<Timed<Shot>>
                  size="small"
                  pagination={false}
                  rowKey={(row) => row.item.index}
                  dataSource={timeline(result.script.hook.duration_seconds, result.script.shots)}
                  data-testid="shots"
                  scroll={{ x: 900 }}
                  columns={[
                    { title: t.shot.index, width: 60, render: (_, row) => row.item.index },
                    {
                      title: t.shot.time,
                      width: 110,
                      render: (_, row) => `${clock(row.start)}–${clock(row.end)}`,
                    },
                    {
                      title: t.shot.duration,
                      width: 70,
                      render: (_, row) => `${row.item.duration_seconds}s`,
                    },
                    { title: t.shot.shotSize, width: 80, render: (_, row) => row.item.shot_size },
                    { title: t.shot.camera, width: 80, render: (_, row) => row.item.camera_movement },
                    { title: t.shot.visual, render: (_, row) => row.item.visual },
                    { title: t.shot.line, render: (_, row) => flagged(row.item.line) },
                    { title: t.shot.onScreen, render: (_, row) => flagged(row.item.on_screen_text) },
                  ]}
                />
                <Typography.Paragraph>
                  <Typography.Text strong>{t.callToAction}：</Typography.Text>
                  {flagged(result.script.call_to_action)}
                </Typography.Paragraph>
                <Link to={`/contents/${result.content_id}`} data-testid="open-draft">
                  <Button type="primary">{t.openDraft}</Button>
                </Link>
              </Space>
            )}
          </Card>
        </Col>
      </Row>
    </RoleGate>
  );
}
