import {
  BarChartOutlined,
  CalendarOutlined,
  EditOutlined,
  FileTextOutlined,
  FolderOpenOutlined,
  LinkOutlined,
  NodeIndexOutlined,
  SettingOutlined,
  TeamOutlined,
} from '@ant-design/icons';

import type { MenuProps } from 'antd';
import { zhCN } from '../../locales/zh-CN';
import { CustomersAreaLabel, InboxMenuLabel } from '../inbox/InboxMenuLabel';
import { canSee, type PageKey } from './roles';

type Item = Required<MenuProps>['items'][number];

interface Area {
  key: string;
  label: React.ReactNode;
  icon: React.ReactNode;
  pages: { key: PageKey; path: string; label: React.ReactNode }[];
}

const AREAS: Area[] = [
  {
    key: 'create',
    label: zhCN.menu.areaCreate,
    icon: <EditOutlined />,
    pages: [
      { key: 'create.titles', path: '/create/titles', label: zhCN.menu.createTitles },
      { key: 'create.copywriting', path: '/create/copywriting', label: zhCN.menu.createCopywriting },
      { key: 'create.imagePost', path: '/create/image-post', label: zhCN.menu.createImagePost },
      { key: 'create.videoScript', path: '/create/video-script', label: zhCN.menu.createVideoScript },
    ],
  },
  {
    key: 'contents',
    label: zhCN.menu.areaContents,
    icon: <FileTextOutlined />,
    pages: [{ key: 'contents.list', path: '/contents', label: zhCN.menu.contents }],
  },
  {
    key: 'publish',
    label: zhCN.menu.areaPublish,
    icon: <CalendarOutlined />,
    pages: [{ key: 'calendar.view', path: '/calendar', label: zhCN.menu.calendar }],
  },
  {
    key: 'accounts',
    label: zhCN.menu.areaAccounts,
    icon: <LinkOutlined />,
    pages: [{ key: 'accounts.list', path: '/accounts', label: zhCN.menu.accounts }],
  },
  {
    key: 'customers',
    label: <CustomersAreaLabel label={zhCN.menu.areaCustomers} />,
    icon: <TeamOutlined />,
    pages: [
      { key: 'inbox', path: '/inbox', label: <InboxMenuLabel label={zhCN.menu.inbox} /> },
      { key: 'customers.tasks', path: '/tasks', label: zhCN.menu.tasks },
      { key: 'customers.leads', path: '/leads', label: zhCN.menu.leads },
      { key: 'customers.list', path: '/customers', label: zhCN.menu.customers },
    ],
  },
  {
    key: 'journeys',
    label: zhCN.menu.areaJourneys,
    icon: <NodeIndexOutlined />,
    pages: [{ key: 'journeys.list', path: '/journeys', label: zhCN.menu.journeys }],
  },
  {
    key: 'materials',
    label: zhCN.menu.areaMaterials,
    icon: <FolderOpenOutlined />,
    pages: [{ key: 'materials.list', path: '/materials', label: zhCN.menu.materials }],
  },
  {
    key: 'insights',
    label: zhCN.menu.areaInsights,
    icon: <BarChartOutlined />,
    pages: [{ key: 'insights.performance', path: '/performance', label: zhCN.menu.performance }],
  },
  {
    key: 'settings',
    label: zhCN.menu.areaSettings,
    icon: <SettingOutlined />,
    pages: [{ key: 'settings', path: '/settings', label: zhCN.menu.settings }],
  },
];

/** The side menu by area, with only the pages the role may use (an area left empty is hidden too). */
export function menuItems(role: string | undefined): Item[] {
  return AREAS.flatMap((area) => {
    const pages = area.pages.filter((page) => canSee(role, page.key));
    if (pages.length === 0) return [];
    return [
      {
        key: area.key,
        label: area.label,
        icon: area.icon,
        children: pages.map((page) => ({ key: page.path, label: page.label })),
      },
    ];
  });
}

/** The menu entry a path belongs to (a detail page lights its list). */
export function selectedKey(pathname: string): string {
  const paths = AREAS.flatMap((area) => area.pages.map((page) => page.path));
  return (
    paths
      .filter((p) => pathname === p || pathname.startsWith(`${p}/`))
      .sort((a, b) => b.length - a.length)[0] ?? ''
  );
}
