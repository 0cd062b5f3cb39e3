import { Button, Card, Col, Form, Input, Progress, Row, Select, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import type { TitleRequest } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { RoleGate } from '../../components/RoleGate';
import { useDirtyForm } from '../../components/useUnsavedPrompt';
import { BrandPicker } from '../../features/create/components/BrandPicker';
import { ComplianceSummary } from '../../features/create/components/ComplianceSummary';
import { FlaggedText } from '../../features/create/components/FlaggedText';
import { progressPercent } from '../../features/create/progress';
import { useTitleGeneration } from '../../features/create/useGeneration';
import { fmt } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.create;
const PLATFORMS = [
  { value: 'douyin', label: '抖音' },
  { value: 'xiaohongshu', label: '小红书' },
  { value: 'wechat_mp', label: '微信公众号' },
  { value: 'weibo', label: '微博' },
  { value: 'kuaishou', label: '快手' },
];

interface TitleForm {
  topic: string;
  audience?: string;
  tone?: string;
  keywords?: string[];
  platform: TitleRequest['platform'];
  count: number;
  brand_id?: string;
}

// How many titles to ask for; a select rather than a number box, so the page loads no extra input code.
const COUNTS = Array.from({ length: 20 }, (_, i) => ({ value: i + 1, label: String(i + 1) }));
const CANDIDATES: React.CSSProperties = { listStyle: 'none', margin: 0, padding: 0 };
const CANDIDATE: React.CSSProperties = { padding: '12px 0', borderBottom: '1px solid rgba(5, 5, 5, 0.06)' };

function toRequest(values: TitleForm): TitleRequest {
  return {
    topic: values.topic.trim(),
    audience: values.audience?.trim() || undefined,
    tone: values.tone?.trim() || undefined,
    keywords: values.keywords ?? [],
    platform: values.platform,
    count: values.count,
    brand_id: values.brand_id || undefined,
  };
}

/** Titles: the brief, the run's progress, and the candidates with compliance findings marked. */
export function TitlesPage() {
  const generation = useTitleGeneration();
  const brief = useDirtyForm();
  const running = generation.phase === 'starting' || generation.phase === 'running';
  const result = generation.result;
  const terms = result?.compliance.findings?.map((f) => f.term) ?? [];

  return (
    <RoleGate page="create.titles">
      <Row gutter={24}>
        <Col xs={24} lg={10}>
          <Card title={t.titlesTitle}>
            <Typography.Paragraph type="secondary">{t.titlesIntro}</Typography.Paragraph>
            <Form<TitleForm>
              layout="vertical"
              initialValues={{ platform: 'douyin', count: 5 }}
              onValuesChange={brief.touched}
              onFinish={(values) => {
                brief.clean();
                generation.start(toRequest(values));
              }}
            >
              <Form.Item
                name="topic"
                label={t.topic}
                rules={[{ required: true, whitespace: true, max: 200 }]}
              >
                <Input placeholder={t.topicPlaceholder} maxLength={200} data-testid="topic" />
              </Form.Item>
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item name="audience" label={t.audience}>
                    <Input maxLength={100} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="tone" label={t.tone}>
                    <Input maxLength={100} />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="keywords" label={t.keywords}>
                <Select mode="tags" maxCount={10} placeholder={t.keywordsPlaceholder} open={false} />
              </Form.Item>
              <Form.Item name="brand_id" label={t.brand}>
                <BrandPicker />
              </Form.Item>
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item name="platform" label={t.platform}>
                    <Select options={PLATFORMS} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="count" label={t.count}>
                    <Select options={COUNTS} />
                  </Form.Item>
                </Col>
              </Row>
              <Button type="primary" htmlType="submit" loading={running} block data-testid="generate">
                {running ? t.running : t.submit}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card title={t.results}>
            {generation.phase === 'idle' && (
              <Typography.Text type="secondary">{t.emptyResult}</Typography.Text>
            )}
            {running && (
              <div data-testid="progress">
                <Progress percent={progressPercent(generation.phase, generation.elapsedMs)} status="active" />
                <Typography.Text type="secondary">
                  {generation.phase === 'starting'
                    ? t.stages.starting
                    : (generation.stage ?? t.stages.running)}
                  {' · '}
                  {fmt(t.elapsed, { seconds: (generation.elapsedMs / 1000).toFixed(1) })}
                </Typography.Text>
              </div>
            )}
            {generation.phase === 'failed' && (
              <QueryState isPending={false} error={generation.error ?? t.failed}>
                {null}
              </QueryState>
            )}
            {result && (
              <Space direction="vertical" style={{ width: '100%' }} data-testid="results">
                <ComplianceSummary report={result.compliance} />
                <ol style={CANDIDATES}>
                  {result.candidates.map((candidate, index) => (
                    <li key={candidate.text} data-testid="candidate" style={CANDIDATE}>
                      <Space direction="vertical" size={2}>
                        <span>
                          {index + 1}. <FlaggedText text={candidate.text} terms={terms} />
                        </span>
                        <Space size={4}>
                          <Tag>
                            {t.formula}: {candidate.formula}
                          </Tag>
                          <Tag>
                            {t.length}: {candidate.length}
                          </Tag>
                        </Space>
                      </Space>
                    </li>
                  ))}
                </ol>
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
