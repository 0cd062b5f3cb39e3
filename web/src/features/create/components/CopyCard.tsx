import { Card, Space, Tag, Typography } from 'antd';
import type { PlatformCopy, PlatformRules } from '../../../client/types.gen';
import { fmt } from '../../../lib/format';
import { zhCN } from '../../../locales/zh-CN';
import { platformLabel } from '../platforms';
import { Counter } from './Counter';
import { FlaggedText } from './FlaggedText';

const t = zhCN.create;

/** One platform's copy beside its rules: every count against that platform's limit. */
export function CopyCard({
  copy,
  rules,
  terms,
}: {
  copy: PlatformCopy;
  rules?: PlatformRules;
  terms: string[];
}) {
  const tags = copy.hashtags.length;
  const tagsOff = rules !== undefined && (tags < rules.hashtag_min || tags > rules.hashtag_max);
  return (
    <Card size="small" title={platformLabel(copy.platform)} data-testid={`copy-${copy.platform}`}>
      <Space direction="vertical" style={{ width: '100%' }} size={8}>
        <div>
          <Typography.Text strong>{t.titleField} </Typography.Text>
          <Counter text={copy.title} max={rules?.title_max} testId="title-counter" />
          <div>
            <FlaggedText text={copy.title} terms={terms} />
          </div>
        </div>
        <div>
          <Typography.Text strong>{t.bodyField} </Typography.Text>
          <Counter text={copy.body} max={rules?.body_max} testId="body-counter" />
          <div style={{ whiteSpace: 'pre-wrap' }}>
            <FlaggedText text={copy.body} terms={terms} />
          </div>
        </div>
        <div>
          <Typography.Text strong>{t.hashtags} </Typography.Text>
          {rules && (
            <Typography.Text type={tagsOff ? 'danger' : 'secondary'}>
              {tags} · {fmt(t.hashtagRule, { min: rules.hashtag_min, max: rules.hashtag_max })}
            </Typography.Text>
          )}
          <div>
            {copy.hashtags.map((h) => (
              <Tag key={h}>{h}</Tag>
            ))}
          </div>
        </div>
        {rules && rules.notes.length > 0 && (
          <details>
            <summary>{t.rules}</summary>
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {rules.notes.map((note) => (
                <li key={note}>
                  <Typography.Text type="secondary">{note}</Typography.Text>
                </li>
              ))}
            </ul>
          </details>
        )}
      </Space>
    </Card>
  );
}
