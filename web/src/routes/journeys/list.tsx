import { useQuery } from '@tanstack/react-query';
import { Button, Card, Table, Tag } from 'antd';
import { Link } from 'react-router';
import { journeysListJourneysOptions } from '../../client/@tanstack/react-query.gen';
import type { JourneyView } from '../../client/types.gen';
import { QueryState } from '../../components/QueryState';
import { RoleGate } from '../../components/RoleGate';
import { canSee } from '../../features/auth/roles';
import { useMe } from '../../features/auth/useMe';
import { formatTime } from '../../features/journeys/labels';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.journeys;

/** The tenant's journeys, newest first, with the version new enrolments get. */
export function JourneysPage() {
  const me = useMe();
  const list = useQuery(journeysListJourneysOptions());
  const canEdit = canSee(me.data?.role, 'journeys.edit');
  return (
    <RoleGate page="journeys.list">
      <Card
        title={t.listTitle}
        extra={
          canEdit && (
            <Link to="/journeys/new">
              <Button type="primary" data-testid="new-journey">
                {t.create}
              </Button>
            </Link>
          )
        }
      >
        <QueryState
          isPending={list.isPending}
          error={list.error}
          hasData={list.data !== undefined}
          isEmpty={list.data?.items.length === 0}
          emptyText={t.empty}
          onRetry={() => list.refetch()}
        >
          <Table<JourneyView>
            rowKey="id"
            dataSource={list.data?.items}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            data-testid="journeys"
            columns={[
              {
                title: t.name,
                dataIndex: 'name',
                render: (name: string, row) => <Link to={`/journeys/${row.id}`}>{name}</Link>,
              },
              {
                title: t.trigger,
                dataIndex: 'trigger',
                width: 120,
                render: (value: string) => t.triggers[value as keyof typeof t.triggers] ?? value,
              },
              {
                title: t.published,
                dataIndex: 'published_version',
                width: 120,
                render: (version: number | null) =>
                  version ? <Tag color="success">v{version}</Tag> : <Tag>{t.unpublished}</Tag>,
              },
              { title: t.updatedAt, dataIndex: 'updated_at', width: 170, render: formatTime },
            ]}
          />
        </QueryState>
      </Card>
    </RoleGate>
  );
}
