export default {
  areaCreate: '创作',
  createTitles: '爆款标题',
  areaContents: '内容',
  contents: '内容列表',
  areaJourneys: '客户旅程',
  journeys: '旅程列表',
  areaMaterials: '成交资料',
  materials: '资料库',
  logout: '退出登录',
  roles: {
    admin: '管理员',
    operator: '运营',
    reviewer: '审核',
    agent: '客服',
    viewer: '只读',
  },
} as const;
