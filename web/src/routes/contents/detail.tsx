import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Space, Table, Tag, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import {
  contentsGetContentOptions,
  contentsListVersionsOptions,
  douyinAccountsListAccountsOptions,
} from '../../client/@tanstack/react-query.gen';
import type {
  ComplianceReport,
  ApiGatewayBffSchemasContentsVersionView as VersionView,
} from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { RoleGate } from '../../components/RoleGate';
import { canSee } from '../../features/auth/roles';
import { useMe } from '../../features/auth/useMe';
import { useTeamNames } from '../../features/auth/useTeamNames';
import { ApprovalPanel } from '../../features/contents/ApprovalPanel';
import { ContentBody } from '../../features/contents/ContentBody';
import { EditDraft } from '../../features/contents/EditDraft';
import { formatTime, kindLabel, statusColor, statusLabel } from '../../features/contents/labels';
import { MediaPanel } from '../../features/contents/MediaPanel';
import { PublishDialog } from '../../features/contents/PublishDialog';
import { PublishTimeline } from '../../features/contents/PublishTimeline';
import { VersionDiff } from '../../features/contents/VersionDiff';
import { ComplianceSummary } from '../../features/create/components/ComplianceSummary';
import { isApiError } from '../../lib/api';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.contents;

/** The terms compliance flagged in the current version, marked where the body shows them. */
function termsOf(compliance: Record<string, unknown>): string[] {
  const findings = (compliance as unknown as ComplianceReport).findings ?? [];
  return findings.map((f) => f.term);
}

/**
 * One content: its current version and compliance, editing (a new version), review, media, publishing to
 * Douyin accounts with each publish's states, and every version with a diff between any two.
 */
export function ContentDetailPage() {
  const { contentId = '' } = useParams();
  const content = useQuery(contentsGetContentOptions({ path: { content_id: contentId } }));
  const versions = useQuery(contentsListVersionsOptions({ path: { content_id: contentId } }));
  const view = content.data;
  const role = useMe().data?.role;
  const operates = canSee(role, 'contents.edit');
  const accounts = useQuery({ ...douyinAccountsListAccountsOptions(), retry: false });
  const names = new Map((accounts.data ?? []).map((a) => [a.id, a.nickname || a.open_id]));
  const nameOf = useTeamNames();

  return (
    <RoleGate page="contents.detail">
      <Space direction="vertical" style={{ width: '100%' }} size={16}>
        <Link to="/contents">← {t.back}</Link>
        <QueryState
          isPending={content.isPending}
          error={isApiError(content.error, 404) ? t.notFound : content.error}
          hasData={content.data !== undefined}
          onRetry={() => content.refetch()}
        >
          {view && (
            <Card
              title={view.title || view.topic}
              data-testid="content-detail"
              extra={
                operates && (
                  <Space>
                    <EditDraft content={view} />
                    <PublishDialog contentId={view.id} version={view.version} />
                  </Space>
                )
              }
            >
              <Descriptions column={{ xs: 1, md: 2 }} size="small">
                <Descriptions.Item label={t.kind}>{kindLabel(view.kind)}</Descriptions.Item>
                <Descriptions.Item label={t.status}>
                  <Tag color={statusColor(view.status)}>{statusLabel(view.status)}</Tag>
                </Descriptions.Item>
                <Descriptions.Item label={t.topic}>{view.topic}</Descriptions.Item>
                <Descriptions.Item label={t.version}>v{view.version}</Descriptions.Item>
                <Descriptions.Item label={t.createdBy}>{nameOf(view.created_by)}</Descriptions.Item>
                <Descriptions.Item label={t.updatedAt}>{formatTime(view.updated_at)}</Descriptions.Item>
              </Descriptions>
              <ComplianceSummary report={view.compliance as unknown as ComplianceReport} />
              <Typography.Title level={5} style={{ marginTop: 16 }}>
                {t.body}
              </Typography.Title>
              <ContentBody
                kind={view.kind}
                body={view.body}
                assets={view.assets ?? []}
                terms={termsOf(view.compliance)}
              />
            </Card>
          )}
        </QueryState>
        {view && (
          <Card title={t.approval}>
            <ApprovalPanel contentId={view.id} role={role} />
          </Card>
        )}
        {view && (
          <Card title={t.media}>
            <MediaPanel contentId={view.id} assets={view.assets ?? []} canUpload={operates} />
          </Card>
        )}
        {view && (
          <Card title={t.publishes}>
            <PublishTimeline contentId={view.id} names={names} />
          </Card>
        )}
        <Card title={t.versions}>
          <QueryState
            isPending={versions.isPending}
            error={versions.error}
            hasData={versions.data !== undefined}
            isEmpty={versions.data?.length === 0}
          >
            <Table<VersionView>
              rowKey="version"
              pagination={false}
              dataSource={versions.data}
              data-testid="versions"
              columns={[
                {
                  title: t.version,
                  dataIndex: 'version',
                  width: 90,
                  render: (v: number) => (
                    <Space>
                      v{v}
                      {v === view?.version && <Tag color="blue">{t.current}</Tag>}
                    </Space>
                  ),
                },
                { title: t.titleCol, dataIndex: 'title' },
                {
                  title: t.changeNote,
                  dataIndex: 'change',
                  render: (change: string) => (t.changes as Record<string, string>)[change] ?? change,
                },
                { title: t.createdBy, dataIndex: 'created_by', width: 140, render: nameOf },
                { title: t.createdAt, dataIndex: 'created_at', width: 180, render: formatTime },
              ]}
            />
          </QueryState>
        </Card>
        <Card title={t.diffTitle}>
          <QueryState
            isPending={versions.isPending}
            error={versions.error}
            hasData={versions.data !== undefined}
          >
            <VersionDiff key={versions.data?.length ?? 0} versions={versions.data ?? []} />
          </QueryState>
        </Card>
      </Space>
    </RoleGate>
  );
}
