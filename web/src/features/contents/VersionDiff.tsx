import { Empty, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import type { ApiGatewayBffSchemasContentsVersionView as VersionView } from '../../client/types.gen';
import { zhCN } from '../../locales/zh-CN';
import { diffVersions } from './diff';

const t = zhCN.contents;

/** `title` is the version's title; `body.<name>` a field of its body, labelled by its name. */
function fieldLabel(key: string): string {
  const labels = t.fields as Record<string, string>;
  if (!key.startsWith('body.')) return labels[key] ?? key;
  const name = key.slice('body.'.length);
  return `${t.body} · ${labels[name] ?? name}`;
}

/** Two versions side by side, field by field: what was removed struck in red, what was added in green. */
export function VersionDiff({ versions }: { versions: VersionView[] }) {
  const numbers = versions.map((v) => v.version).sort((a, b) => a - b);
  const latest = numbers[numbers.length - 1];
  const [from, setFrom] = useState<number | undefined>(numbers[numbers.length - 2]);
  const [to, setTo] = useState<number | undefined>(latest);
  if (numbers.length < 2) return <Empty description={t.diffNeedsTwo} />;
  const before = versions.find((v) => v.version === from);
  const after = versions.find((v) => v.version === (to ?? latest));
  const options = numbers.map((n) => ({ value: n, label: `v${n}` }));
  const diffs = before && after ? diffVersions(before, after) : [];
  const changed = diffs.filter((d) => d.changed);

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="version-diff">
      <Space>
        {t.diffFrom}
        <Select
          value={from}
          onChange={setFrom}
          options={options}
          style={{ width: 90 }}
          data-testid="diff-from"
        />
        →{t.diffTo}
        <Select value={to} onChange={setTo} options={options} style={{ width: 90 }} data-testid="diff-to" />
      </Space>
      {changed.length === 0 && <Typography.Text type="secondary">{t.diffSame}</Typography.Text>}
      {changed.map((field) => (
        <div key={field.key} data-testid={`diff-${field.key}`}>
          <Typography.Text strong>{fieldLabel(field.key)}</Typography.Text>
          <pre style={{ whiteSpace: 'pre-wrap', background: '#fafafa', padding: 8, margin: '4px 0 0' }}>
            {field.parts.map((part, index) => {
              const key = `${index}-${part.added ? 'a' : part.removed ? 'r' : 'k'}`;
              if (part.added) {
                return (
                  <ins
                    key={key}
                    style={{ background: '#d9f7be', textDecoration: 'none' }}
                    data-testid="diff-added"
                  >
                    {part.value}
                  </ins>
                );
              }
              if (part.removed) {
                return (
                  <del key={key} style={{ background: '#ffccc7' }} data-testid="diff-removed">
                    {part.value}
                  </del>
                );
              }
              return <span key={key}>{part.value}</span>;
            })}
          </pre>
        </div>
      ))}
      {diffs.length > changed.length && (
        <Typography.Text type="secondary">
          {t.unchanged}：
          {diffs
            .filter((d) => !d.changed)
            .map((d) => fieldLabel(d.key))
            .join('、')}
        </Typography.Text>
      )}
    </Space>
  );
}
