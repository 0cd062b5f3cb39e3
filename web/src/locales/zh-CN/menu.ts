export default {
  areaCreate: '创作',
  createTitles: '爆款标题',
  createCopywriting: '多平台文案',
  createImagePost: '图文笔记',
  createVideoScript: '短视频脚本',
  areaContents: '内容',
  contents: '内容列表',
  logout: '退出登录',
  roles: {
    admin: '管理员',
    operator: '运营',
    reviewer: '审核',
    agent: '客服',
    viewer: '只读',
  },
} as const;
