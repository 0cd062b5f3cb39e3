import { Card, Tabs } from 'antd';
import { useSearchParams } from 'react-router';
import { RoleGate } from '../../components/RoleGate';
import { useMe } from '../../features/auth/useMe';
import { BrandsTab } from '../../features/settings/BrandsTab';
import { KnowledgeTab } from '../../features/settings/KnowledgeTab';
import { ScoringTab } from '../../features/settings/ScoringTab';
import { UsersTab } from '../../features/settings/UsersTab';
import { ViralTab } from '../../features/settings/ViralTab';
import { WebhooksTab } from '../../features/settings/WebhooksTab';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.insights.settings;

/** The tenant's settings by tab (the tab lives in the address): users and notification robots for
 * admins, brands, knowledge, scoring and replication rules for admins and operators. */
export function SettingsPage() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const role = me.data?.role;
  const isAdmin = role === 'admin';
  const canWrite = role === 'admin' || role === 'operator';
  const tabs = [
    ...(isAdmin ? [{ key: 'users', label: t.tabUsers, children: <UsersTab /> }] : []),
    { key: 'brands', label: t.tabBrands, children: <BrandsTab canWrite={canWrite} /> },
    { key: 'knowledge', label: t.tabKnowledge, children: <KnowledgeTab canWrite={canWrite} /> },
    { key: 'scoring', label: t.tabScoring, children: <ScoringTab canWrite={canWrite} /> },
    { key: 'viral', label: t.tabViral, children: <ViralTab canWrite={canWrite} /> },
    ...(isAdmin ? [{ key: 'webhooks', label: t.tabWebhooks, children: <WebhooksTab /> }] : []),
  ];
  const wanted = params.get('tab');
  const active = tabs.some((tab) => tab.key === wanted) ? (wanted as string) : 'brands';
  return (
    <RoleGate page="settings">
      <Card title={t.title} data-testid="settings">
        {me.data && (
          <Tabs
            activeKey={active}
            destroyOnHidden
            onChange={(key) => setParams({ tab: key }, { replace: true })}
            items={tabs}
          />
        )}
      </Card>
    </RoleGate>
  );
}
