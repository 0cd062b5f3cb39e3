import { Button, Card, Col, Form, InputNumber, Row, Select, Space, Typography } from 'antd';
import { Link } from 'react-router';
import type { VideoScriptRequest } from '../../client/types.gen';
import { RoleGate } from '../../components/RoleGate';
import { useDirtyForm } from '../../components/useUnsavedPrompt';
import { BriefFields, type BriefValues, briefOf } from '../../features/create/components/BriefFields';
import { ComplianceSummary } from '../../features/create/components/ComplianceSummary';
import { GenerationState } from '../../features/create/components/GenerationState';
import { ScriptView } from '../../features/create/components/ScriptView';
import { useVideoScriptGeneration } from '../../features/create/useGeneration';
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
                <ScriptView script={result.script} terms={terms} />
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
