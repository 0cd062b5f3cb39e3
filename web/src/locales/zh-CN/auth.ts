export default {
  title: '登录 DouFlow',
  tenant: '租户',
  tenantPlaceholder: '默认为演示租户 demo',
  username: '用户名',
  password: '密码',
  submit: '登录',
  required: '请填写此项',
  wrongPassword: '租户、用户名或密码错误',
  throttled: '尝试次数过多，请稍后再试',
  failed: '登录失败，请稍后重试',
  expired: '登录已失效，请重新登录',
} as const;
