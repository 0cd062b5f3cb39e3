import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Empty, Modal, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { douyinAccountsListAccountsOptions } from '../../client/@tanstack/react-query.gen';
import { publishPublish, publishPublishChecks } from '../../client/sdk.gen';
import type { PublishChecks } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { fmt } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { statusLabel } from './labels';

const t = zhCN.contents;

/** The BFF's checks for the accounts chosen, as lines an operator acts on; none when it would start. */
export function checkLines(checks: PublishChecks, names: Map<string, string>): string[] {
  const lines = [...checks.content_problems];
  if (checks.approval_problem) lines.push(checks.approval_problem);
  for (const account of checks.accounts) {
    const name = names.get(account.account_id) ?? account.account_id;
    if (account.problem) lines.push(fmt(t.accountProblem, { account: name, problem: account.problem }));
    if (account.live_publish_id) {
      lines.push(fmt(t.alreadyLive, { account: name, status: statusLabel(account.live_status ?? '') }));
    }
  }
  return lines;
}

/**
 * Choose accounts, see what the BFF would refuse (`/publish/checks`, the same rules `/publish` applies),
 * and send only when nothing stands in the way.
 */
export function PublishDialog({ contentId, version }: { contentId: string; version: number }) {
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<string[]>([]);
  const queryClient = useQueryClient();
  const accounts = useQuery({ ...douyinAccountsListAccountsOptions(), enabled: open });
  const bound = (accounts.data ?? []).filter((a) => !a.unbound_at);
  const names = new Map(bound.map((a) => [a.id, a.nickname || a.open_id]));

  const checks = useQuery({
    queryKey: ['publishChecks', contentId, version, [...chosen].sort()],
    queryFn: async () =>
      (
        await publishPublishChecks({
          body: { content_id: contentId, account_ids: chosen },
          throwOnError: true,
        })
      ).data,
    enabled: open && chosen.length > 0,
  });
  const send = useMutation({
    mutationFn: () =>
      publishPublish({ body: { content_id: contentId, account_ids: chosen }, throwOnError: true }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({
        predicate: (q) => JSON.stringify(q.queryKey).includes(contentId),
      });
      setOpen(false);
      setChosen([]);
    },
  });
  const lines = checks.data ? checkLines(checks.data, names) : [];

  return (
    <>
      <Button type="primary" onClick={() => setOpen(true)} data-testid="publish">
        {t.publish}
      </Button>
      <Modal
        open={open}
        title={t.publishTitle}
        onCancel={() => setOpen(false)}
        destroyOnHidden
        footer={[
          <Button key="cancel" onClick={() => setOpen(false)}>
            {t.cancel}
          </Button>,
          <Button
            key="send"
            type="primary"
            disabled={!checks.data?.ok || checks.isFetching}
            loading={send.isPending}
            onClick={() => send.mutate()}
            data-testid="send-publish"
          >
            {t.send}
          </Button>,
        ]}
      >
        <Typography.Title level={5}>{t.accounts}</Typography.Title>
        <QueryState
          isPending={accounts.isPending}
          error={accounts.error}
          hasData={accounts.data !== undefined}
          isEmpty={bound.length === 0}
          emptyText={t.noAccounts}
          onRetry={() => accounts.refetch()}
        >
          <Checkbox.Group
            value={chosen}
            onChange={(v) => setChosen(v as string[])}
            options={bound.map((a) => ({ value: a.id, label: `${names.get(a.id)}（${a.health}）` }))}
            data-testid="publish-accounts"
          />
        </QueryState>
        <Typography.Title level={5} style={{ marginTop: 16 }}>
          {t.checks}
        </Typography.Title>
        <div data-testid="publish-checks">
          {chosen.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.accounts} />}
          {checks.isFetching && (
            <Space>
              <Spin size="small" />
              {t.checking}
            </Space>
          )}
          {checks.error && <Alert type="error" showIcon message={checks.error.message} />}
          {checks.data && !checks.isFetching && lines.length === 0 && (
            <Alert type="success" showIcon message={fmt(t.checksPass, { version: checks.data.version })} />
          )}
          {checks.data && !checks.isFetching && lines.length > 0 && (
            <Alert
              type="warning"
              showIcon
              message={t.checks}
              description={
                <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                  {lines.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              }
            />
          )}
          {send.error && <Alert type="error" showIcon message={send.error.message} />}
        </div>
      </Modal>
    </>
  );
}
