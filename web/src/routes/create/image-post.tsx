import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Form, InputNumber, Row, Select, Space, Typography } from 'antd';
import { Link } from 'react-router';
import { contentsGetContentOptions } from '../../client/@tanstack/react-query.gen';
import type { ComplianceReport, ImagePostDraft, ImagePostRequest } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { RoleGate } from '../../components/RoleGate';
import { useDirtyForm } from '../../components/useUnsavedPrompt';
import { BriefFields, type BriefValues, briefOf } from '../../features/create/components/BriefFields';
import { ComplianceSummary } from '../../features/create/components/ComplianceSummary';
import { GenerationState } from '../../features/create/components/GenerationState';
import { ImageGrid, PostView } from '../../features/create/components/PostView';
import { PLATFORMS, usePlatformRules } from '../../features/create/platforms';
import { useImagePostGeneration } from '../../features/create/useGeneration';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.create;

interface ImageForm extends BriefValues {
  platform: NonNullable<ImagePostRequest['platform']>;
  image_count: number;
}

/** What the run answers when polled: the post, and the ids of the images it stored. */
interface ImageTextResult {
  content_id: string;
  post: ImagePostDraft;
  asset_ids: string[];
  compliance: ComplianceReport;
}

/** The stored images of the draft (the run answers their ids; the content has their URLs). */
function DraftImages({ contentId }: { contentId: string }) {
  const content = useQuery(contentsGetContentOptions({ path: { content_id: contentId } }));
  const assets = content.data?.assets ?? [];
  return (
    <QueryState
      isPending={content.isPending}
      error={content.error}
      hasData={content.data !== undefined}
      onRetry={() => content.refetch()}
      isEmpty={assets.length === 0}
    >
      <ImageGrid assets={assets} />
    </QueryState>
  );
}

/** Image+text posts: the note (counted against its platform) and its generated images. */
export function ImagePostPage() {
  const generation = useImagePostGeneration();
  const brief = useDirtyForm();
  const rules = usePlatformRules();
  const result = generation.result as unknown as ImageTextResult | undefined;
  const terms = result?.compliance.findings?.map((f) => f.term) ?? [];
  const limits = result ? rules.byPlatform.get(result.post.platform) : undefined;

  return (
    <RoleGate page="create.imagePost">
      <Row gutter={24}>
        <Col xs={24} lg={10}>
          <Card title={t.imageTitle}>
            <Typography.Paragraph type="secondary">{t.imageIntro}</Typography.Paragraph>
            <Form<ImageForm>
              layout="vertical"
              initialValues={{ platform: 'xiaohongshu', image_count: 3 }}
              onValuesChange={brief.touched}
              onFinish={(values) => {
                brief.clean();
                generation.start({
                  ...briefOf(values),
                  platform: values.platform,
                  image_count: values.image_count,
                });
              }}
            >
              <BriefFields />
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item name="platform" label={t.platform}>
                    <Select options={[...PLATFORMS]} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="image_count" label={t.imageCount}>
                    <InputNumber min={1} max={9} style={{ width: '100%' }} />
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
                {generation.running ? t.running : t.imageSubmit}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card title={t.imageResults}>
            <GenerationState {...generation} emptyText={t.imageEmpty} />
            {result && (
              <Space direction="vertical" style={{ width: '100%' }} data-testid="results">
                <ComplianceSummary report={result.compliance} />
                <PostView post={result.post} limits={limits} terms={terms} />
                <DraftImages contentId={result.content_id} />
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
