export default {
  areaCreate: '创作',
  createTitles: '爆款标题',
  areaContents: '内容',
  contents: '内容列表',
  areaCustomers: '客户',
  inbox: '收件箱',
  tasks: '我的任务',
  leads: '线索',
  customers: '客户列表',
  logout: '退出登录',
  roles: {
    admin: '管理员',
    operator: '运营',
    reviewer: '审核',
    agent: '客服',
    viewer: '只读',
  },
} as const;
