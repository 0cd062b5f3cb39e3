import { EditOutlined, FileTextOutlined } from '@ant-design/icons';
import type { MenuProps } from 'antd';
import { zhCN } from '../../locales/zh-CN';
import { canSee, type PageKey } from './roles';

type Item = Required<MenuProps>['items'][number];

interface Area {
  key: string;
  label: string;
  icon: React.ReactNode;
  pages: { key: PageKey; path: string; label: string }[];
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
