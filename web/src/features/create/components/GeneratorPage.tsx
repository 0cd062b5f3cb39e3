import { Button, Card, Col, Form, Row, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { ComplianceReport } from '../../../client/types.gen';
import { RoleGate } from '../../../components/RoleGate';
import { useDirtyForm } from '../../../components/useUnsavedPrompt';
import type { PageKey } from '../../../features/auth/roles';
import { zhCN } from '../../../locales/zh-CN';
import type { Phase } from '../progress';
import { BriefFields, type BriefValues } from './BriefFields';
import { ComplianceSummary } from './ComplianceSummary';
import { GenerationState } from './GenerationState';

const t = zhCN.create;

/** What every generation's result holds besides its own draft: the content it saved and its checks. */
export interface DraftResult {
  content_id: string;
  compliance: ComplianceReport;
}

interface Generation {
  phase: Phase;
  stage: string | null;
  elapsedMs: number;
  error: unknown;
  running: boolean;
}

interface Props<V extends BriefValues, R extends DraftResult> {
  page: PageKey;
  texts: { title: string; intro: string; submit: string; results: string; empty: string };
  /** The form's share of the row at large widths (the results take the rest). */
  formSpan: number;
  initialValues: Partial<V>;
  /** The page's own fields, after the brief's. */
  fields: ReactNode;
  generation: Generation;
  onGenerate: (values: V) => void;
  result: R | undefined;
  /** The draft as its kind shows it, with the compliance terms to mark. */
  renderResult: (result: R, terms: string[]) => ReactNode;
}

/**
 * The shell of the copy, image-post and video-script pages: the brief and the page's fields, the run's
 * progress, then the compliance summary, the draft and one click to open it. A brief edited since the last
 * run asks before it is left.
 */
export function GeneratorPage<V extends BriefValues, R extends DraftResult>({
  page,
  texts,
  formSpan,
  initialValues,
  fields,
  generation,
  onGenerate,
  result,
  renderResult,
}: Props<V, R>) {
  const brief = useDirtyForm();
  const terms = result?.compliance.findings?.map((f) => f.term) ?? [];
  return (
    <RoleGate page={page}>
      <Row gutter={24}>
        <Col xs={24} xl={formSpan}>
          <Card title={texts.title}>
            <Typography.Paragraph type="secondary">{texts.intro}</Typography.Paragraph>
            <Form<V>
              layout="vertical"
              initialValues={initialValues}
              onValuesChange={brief.touched}
              onFinish={(values) => {
                brief.clean();
                onGenerate(values);
              }}
            >
              <BriefFields />
              {fields}
              <Button
                type="primary"
                htmlType="submit"
                loading={generation.running}
                block
                data-testid="generate"
              >
                {generation.running ? t.running : texts.submit}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={24 - formSpan}>
          <Card title={texts.results}>
            <GenerationState {...generation} emptyText={texts.empty} />
            {result && (
              <Space direction="vertical" style={{ width: '100%' }} data-testid="results">
                <ComplianceSummary report={result.compliance} />
                {renderResult(result, terms)}
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
