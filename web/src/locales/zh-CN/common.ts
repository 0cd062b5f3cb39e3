export default {
  appName: 'DouFlow 运营控制台',
  loading: '加载中…',
  retry: '重试',
  empty: '暂无数据',
  loadFailed: '加载失败',
  notFound: '页面不存在',
  backHome: '返回首页',
  forbidden: '当前角色无权访问此页面',
  unsavedTitle: '有未保存的修改',
  unsavedBody: '离开此页面后，填写的内容会丢失。',
  unsavedLeave: '离开此页',
  unsavedStay: '留在此页',
} as const;
