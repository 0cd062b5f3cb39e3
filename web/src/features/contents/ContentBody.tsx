import { Col, List, Row, Space, Tag, Typography } from 'antd';
import type { AssetView, ImagePostDraft, PlatformCopy } from '../../client/types.gen';
import { zhCN } from '../../locales/zh-CN';
import { CopyCard } from '../create/components/CopyCard';
import { FlaggedText } from '../create/components/FlaggedText';
import { ImageGrid, PostView } from '../create/components/PostView';
import { ScriptView } from '../create/components/ScriptView';
import { usePlatformRules } from '../create/platforms';
import { readBody } from './bodies';

const t = zhCN.contents;
const tc = zhCN.create;
/** The roles an image-text post is published with (douflow/content/drafts.py IMAGE_ROLES). */
const IMAGE_ROLES = new Set(['cover', 'image']);

function Copies({ copies, terms }: { copies: PlatformCopy[]; terms: readonly string[] }) {
  const rules = usePlatformRules();
  return (
    <Row gutter={[12, 12]}>
      {copies.map((copy) => (
        <Col key={copy.platform} xs={24} md={12} xxl={Math.max(6, 24 / copies.length)}>
          <CopyCard copy={copy} rules={rules.byPlatform.get(copy.platform)} terms={[...terms]} />
        </Col>
      ))}
    </Row>
  );
}

function ImagePost({
  post,
  assets,
  terms,
}: {
  post: ImagePostDraft;
  assets: readonly AssetView[];
  terms: readonly string[];
}) {
  const rules = usePlatformRules();
  const images = assets
    .filter((a) => IMAGE_ROLES.has(a.role) && a.mime_type.startsWith('image/'))
    .sort((a, b) => a.position - b.position);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <PostView post={post} limits={rules.byPlatform.get(post.platform)} terms={terms} />
      {images.length > 0 ? (
        <ImageGrid assets={images} />
      ) : (
        post.images.length > 0 && (
          <ol style={{ margin: 0, paddingInlineStart: 20 }} data-testid="image-specs">
            {post.images.map((image) => (
              <li key={`${image.caption}-${image.description}`}>
                {image.caption}
                {image.text && <Typography.Text type="secondary"> · {image.text}</Typography.Text>}
              </li>
            ))}
          </ol>
        )
      )}
    </Space>
  );
}

/**
 * A version's body as its kind's create page shows the result: title candidates as a list, each
 * platform's copy side by side with its counters, an image post's text and images, a video script's shot
 * table; a body no page knows as its JSON.
 */
export function ContentBody({
  kind,
  body,
  assets = [],
  terms = [],
}: {
  kind: string;
  body: Record<string, unknown>;
  assets?: readonly AssetView[];
  terms?: readonly string[];
}) {
  const known = readBody(kind, body);
  switch (known?.kind) {
    case 'titles':
      return (
        <List
          size="small"
          dataSource={known.candidates}
          data-testid="content-body"
          renderItem={(candidate, index) => (
            <List.Item>
              <span>
                {index + 1}. <FlaggedText text={candidate.text} terms={terms} />
              </span>
              <Space size={4}>
                <Tag>
                  {tc.formula}: {candidate.formula}
                </Tag>
                <Tag>
                  {tc.length}: {candidate.length}
                </Tag>
              </Space>
            </List.Item>
          )}
        />
      );
    case 'copywriting':
      return (
        <div data-testid="content-body">
          <Copies copies={known.copies} terms={terms} />
        </div>
      );
    case 'image_post':
      return (
        <div data-testid="content-body">
          <ImagePost post={known} assets={assets} terms={terms} />
        </div>
      );
    case 'video_script':
      return (
        <div data-testid="content-body">
          <ScriptView script={known} terms={terms} />
        </div>
      );
    default:
      return (
        <Typography.Paragraph>
          <Typography.Text type="secondary">{t.rawBody}</Typography.Text>
          <pre
            style={{ whiteSpace: 'pre-wrap', background: '#fafafa', padding: 12 }}
            data-testid="content-body"
          >
            {JSON.stringify(body, null, 2)}
          </pre>
        </Typography.Paragraph>
      );
  }
}
