import { Button, Card, Col, Form, Row, Select, Space, Typography } from 'antd';
import { Link } from 'react-router';
import type { CopywritingRequest } from '../../client/types.gen';
import { RoleGate } from '../../components/RoleGate';
import { useDirtyForm } from '../../components/useUnsavedPrompt';
import { BriefFields, type BriefValues, briefOf } from '../../features/create/components/BriefFields';
import { ComplianceSummary } from '../../features/create/components/ComplianceSummary';
import { CopyCard } from '../../features/create/components/CopyCard';
import { GenerationState } from '../../features/create/components/GenerationState';
import { PLATFORMS, usePlatformRules } from '../../features/create/platforms';
import { useCopywritingGeneration } from '../../features/create/useGeneration';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.create;

interface CopyForm extends BriefValues {
  platforms: CopywritingRequest['platforms'];
}

/** Multi-platform copy: one brief, each platform's copy side by side with its rules and counters. */
export function CopywritingPage() {
  const generation = useCopywritingGeneration();
  const brief = useDirtyForm();
  const rules = usePlatformRules();
  const result = generation.result;
  const terms = result?.compliance.findings?.map((f) => f.term) ?? [];

  return (
    <RoleGate page="create.copywriting">
      <Row gutter={24}>
        <Col xs={24} xl={8}>
          <Card title={t.copyTitle}>
            <Typography.Paragraph type="secondary">{t.copyIntro}</Typography.Paragraph>
            <Form<CopyForm>
              layout="vertical"
              initialValues={{ platforms: ['douyin', 'xiaohongshu'] }}
              onValuesChange={brief.touched}
              onFinish={(values) => {
                brief.clean();
                generation.start({ ...briefOf(values), platforms: values.platforms });
              }}
            >
              <BriefFields />
              <Form.Item name="platforms" label={t.copyPlatforms} rules={[{ required: true }]}>
                <Select mode="multiple" options={[...PLATFORMS]} data-testid="platforms" />
              </Form.Item>
              <Button
                type="primary"
                htmlType="submit"
                loading={generation.running}
                block
                data-testid="generate"
              >
                {generation.running ? t.running : t.copySubmit}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={16}>
          <Card title={t.copyResults}>
            <GenerationState {...generation} emptyText={t.copyEmpty} />
            {result && (
              <Space direction="vertical" style={{ width: '100%' }} data-testid="results">
                <ComplianceSummary report={result.compliance} />
                <Row gutter={[12, 12]}>
                  {result.copies.map((copy) => (
                    <Col key={copy.platform} xs={24} md={12} xxl={Math.max(6, 24 / result.copies.length)}>
                      <CopyCard copy={copy} rules={rules.byPlatform.get(copy.platform)} terms={terms} />
                    </Col>
                  ))}
                </Row>
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
