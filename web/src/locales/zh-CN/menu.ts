export default {
  areaCreate: '创作',
  createTitles: '爆款标题',
  areaContents: '内容',
  contents: '内容列表',
  areaInsights: '数据',
  performance: '数据表现',
  areaSettings: '设置',
  settings: '系统设置',
  logout: '退出登录',
  roles: {
    admin: '管理员',
    operator: '运营',
    reviewer: '审核',
    agent: '客服',
    viewer: '只读',
  },
} as const;
