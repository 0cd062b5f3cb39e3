import { useQuery } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import { Card, Tabs } from 'antd';
import { Link, useLocation, useParams } from 'react-router';
import { journeysGetJourneyOptions } from '../../client/@tanstack/react-query.gen';
import { QueryState } from '../../components/QueryState';
import { RoleGate } from '../../components/RoleGate';
import { canSee } from '../../features/auth/roles';
import { useMe } from '../../features/auth/useMe';
import { Designer } from '../../features/journeys/designer/Designer';
import { Enrolments } from '../../features/journeys/Enrolments';
import { Versions } from '../../features/journeys/Versions';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.journeys;

/**
 * One journey: the designer (React Flow, imported only by this route so it is its own chunk), its published
 * versions and its enrolments. `/journeys/new` starts an empty canvas; its first save moves to the new id
 * without remounting the canvas (the positions stay where they were dragged).
 */
export function JourneyDesignerPage() {
  const { journeyId = 'new' } = useParams();
  const location = useLocation();
  const me = useMe();
  const isNew = journeyId === 'new';
  const journey = useQuery({
    ...journeysGetJourneyOptions({ path: { journey_id: journeyId } }),
    enabled: !isNew,
  });
  const canEdit = canSee(me.data?.role, 'journeys.edit');
  const canvasKey = (location.state as { canvas?: string } | null)?.canvas ?? journeyId;
  const designer = (
    <ReactFlowProvider>
      <Designer key={canvasKey} journey={isNew ? null : (journey.data ?? null)} canEdit={canEdit} />
    </ReactFlowProvider>
  );
  return (
    <RoleGate page="journeys.list">
      <Card
        title={isNew ? t.newTitle : (journey.data?.name ?? t.listTitle)}
        extra={<Link to="/journeys">{t.back}</Link>}
      >
        <QueryState
          isPending={!isNew && journey.isPending}
          error={isNew ? null : journey.error}
          hasData={journey.data !== undefined}
          onRetry={() => journey.refetch()}
        >
          <Tabs
            items={[
              { key: 'design', label: t.tabDesign, children: designer },
              {
                key: 'versions',
                label: t.tabVersions,
                disabled: isNew,
                children: isNew ? null : <Versions journeyId={journeyId} />,
              },
              {
                key: 'enrolments',
                label: t.tabEnrolments,
                disabled: isNew,
                children: isNew ? null : (
                  <Enrolments journeyId={journeyId} canUnenrol={canSee(me.data?.role, 'journeys.unenrol')} />
                ),
              },
            ]}
          />
        </QueryState>
      </Card>
    </RoleGate>
  );
}
