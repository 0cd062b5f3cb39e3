import { useQuery } from '@tanstack/react-query';
import { Col, Form, InputNumber, Row, Select } from 'antd';
import { contentsGetContentOptions } from '../../client/@tanstack/react-query.gen';
import type { ComplianceReport, ImagePostDraft, ImagePostRequest } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { type BriefValues, briefOf } from '../../features/create/components/BriefFields';
import { GeneratorPage } from '../../features/create/components/GeneratorPage';
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
  const rules = usePlatformRules();
  return (
    <GeneratorPage<ImageForm, ImageTextResult>
      page="create.imagePost"
      texts={{
        title: t.imageTitle,
        intro: t.imageIntro,
        submit: t.imageSubmit,
        results: t.imageResults,
        empty: t.imageEmpty,
      }}
      formSpan={10}
      initialValues={{ platform: 'xiaohongshu', image_count: 3 }}
      fields={
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
      }
      generation={generation}
      onGenerate={(values) =>
        generation.start({ ...briefOf(values), platform: values.platform, image_count: values.image_count })
      }
      result={generation.result as unknown as ImageTextResult | undefined}
      renderResult={(result, terms) => (
        <>
          <PostView post={result.post} limits={rules.byPlatform.get(result.post.platform)} terms={terms} />
          <DraftImages contentId={result.content_id} />
        </>
      )}
    />
  );
}
