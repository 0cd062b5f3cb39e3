import { Image, Space, Tag, Typography } from 'antd';
import type { AssetView, ImagePostDraft, PlatformRules } from '../../../client/types.gen';
import { fmt } from '../../../lib/format';
import { zhCN } from '../../../locales/zh-CN';
import { Counter } from './Counter';
import { FlaggedText } from './FlaggedText';

const t = zhCN.create;

/** An image+text post's text: its title and body counted against the platform's limits, and its hashtags. */
export function PostView({
  post,
  limits,
  terms,
}: {
  post: Pick<ImagePostDraft, 'title' | 'body' | 'hashtags'>;
  limits?: PlatformRules;
  terms: readonly string[];
}) {
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="post">
      <Typography.Title level={5}>
        <FlaggedText text={post.title} terms={terms} />{' '}
        <Counter text={post.title} max={limits?.title_max} testId="title-counter" />
      </Typography.Title>
      <div style={{ whiteSpace: 'pre-wrap' }}>
        <FlaggedText text={post.body} terms={terms} />
      </div>
      <Counter text={post.body} max={limits?.body_max} testId="body-counter" />
      <div>
        {post.hashtags.map((h) => (
          <Tag key={h}>{h}</Tag>
        ))}
      </div>
    </Space>
  );
}

/** A post's images as the BFF serves them (their media URLs), each with its caption, previewable. */
export function ImageGrid({ assets }: { assets: readonly AssetView[] }) {
  return (
    <Image.PreviewGroup>
      <Space wrap data-testid="images">
        {assets.map((asset, index) => (
          <Space key={asset.id} direction="vertical" size={2} style={{ width: 160 }}>
            <Image
              src={asset.url}
              width={160}
              height={160}
              style={{ objectFit: 'cover' }}
              alt={asset.description || fmt(t.imageAlt, { index: index + 1 })}
              data-testid="image"
            />
            <Typography.Text type="secondary" ellipsis>
              {asset.caption}
            </Typography.Text>
          </Space>
        ))}
      </Space>
    </Image.PreviewGroup>
  );
}
