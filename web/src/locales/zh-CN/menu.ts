export default {
  areaCreate: '创作',
  createTitles: '爆款标题',
  areaContents: '内容',
  contents: '内容列表',
  logout: '退出登录',
  areaPublish: '发布',
  calendar: '内容日历',
  areaAccounts: '账号',
  accounts: '抖音账号',
  roles: {
    admin: '管理员',
    operator: '运营',
    reviewer: '审核',
    agent: '客服',
    viewer: '只读',
  },
} as const;
