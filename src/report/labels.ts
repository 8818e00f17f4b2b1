/**
 * zh/en names of the stored codes the report shows (存储代码的中英文名称): genders, city tiers, channels, content
 * formats, campaign kinds, profile fields and identifier types, test names. The zh text never shows a code where a
 * name is known; a code the brand made up (a tier "VIP", a channel of its own) shows as stored.
 */
import type { Text } from './model.ts';

const NAMES: Record<string, Text> = {
  // genders, age, unknowns
  male: { zh: '男', en: 'Male' }, female: { zh: '女', en: 'Female' }, unknown: { zh: '未知', en: 'Unknown' }, other: { zh: '其他', en: 'Other' },
  // city tiers
  tier1: { zh: '一线', en: 'Tier 1' }, new_tier1: { zh: '新一线', en: 'New tier 1' }, tier2: { zh: '二线', en: 'Tier 2' },
  '1': { zh: '一线', en: 'Tier 1' }, new1: { zh: '新一线', en: 'New tier 1' }, '2': { zh: '二线', en: 'Tier 2' }, '3': { zh: '三线', en: 'Tier 3' },
  '4': { zh: '四线', en: 'Tier 4' }, '5': { zh: '五线', en: 'Tier 5' },
  tier3: { zh: '三线', en: 'Tier 3' }, tier4: { zh: '四线及以下', en: 'Tier 4 and below' }, tier5: { zh: '五线', en: 'Tier 5' },
  // channels (orders, acquisition, marketing)
  wecom: { zh: '企业微信', en: 'WeCom' }, wecom_qr: { zh: '企微活码', en: 'WeCom QR' }, mini_program: { zh: '小程序', en: 'Mini-program' },
  official_account: { zh: '公众号', en: 'Official account' }, live_stream: { zh: '直播', en: 'Live stream' }, referral: { zh: '老带新', en: 'Referral' },
  store: { zh: '门店', en: 'Store' }, pos: { zh: '门店 POS', en: 'Store POS' }, ecommerce: { zh: '电商', en: 'E-commerce' },
  app: { zh: 'App', en: 'App' }, sms: { zh: '短信', en: 'SMS' }, email: { zh: '邮件', en: 'E-mail' }, push: { zh: '推送', en: 'Push' },
  import: { zh: '后台导入', en: 'Imported' }, web: { zh: '网站', en: 'Website' }, h5: { zh: 'H5 页面', en: 'H5 page' },
  douyin: { zh: '抖音', en: 'Douyin' }, tmall: { zh: '天猫', en: 'Tmall' }, taobao: { zh: '淘宝', en: 'Taobao' }, jd: { zh: '京东', en: 'JD' },
  youzan: { zh: '有赞', en: 'Youzan' }, xiaohongshu: { zh: '小红书', en: 'Xiaohongshu' }, weibo: { zh: '微博', en: 'Weibo' },
  shopify: { zh: 'Shopify 店铺', en: 'Shopify' }, offline: { zh: '线下', en: 'Offline' }, online: { zh: '线上', en: 'Online' },
  // content formats
  article: { zh: '图文', en: 'Article' }, video: { zh: '视频', en: 'Video' }, live: { zh: '直播', en: 'Live' }, poster: { zh: '海报', en: 'Poster' },
  // campaign kinds
  winback: { zh: '召回活动', en: 'win-back campaign' }, promotion: { zh: '促销活动', en: 'promotion' }, care: { zh: '关怀活动', en: 'care campaign' },
  launch: { zh: '新品活动', en: 'launch campaign' },
};

/** The name of a stored code in both languages; an unknown code shows as stored. */
export function codeName(code: string | null | undefined): Text {
  const c = code ?? 'unknown';
  return NAMES[c] ?? { zh: c, en: c };
}

/** Profile fields and identifier types, as the data-quality facts name them. */
const FIELDS: Record<string, Text> = {
  name: { zh: '姓名', en: 'name' }, gender: { zh: '性别', en: 'gender' }, birthday: { zh: '生日', en: 'birthday' },
  province: { zh: '省份', en: 'province' }, city: { zh: '城市', en: 'city' }, acquisition_channel: { zh: '获客渠道', en: 'acquisition channel' },
  registered_at: { zh: '注册时间', en: 'registration date' }, member_tier: { zh: '会员等级', en: 'member tier' },
  owner_staff_code: { zh: '专属导购', en: 'store guide' }, home_store_code: { zh: '所属门店', en: 'home store' },
  phone: { zh: '手机号', en: 'phone' }, email: { zh: '邮箱', en: 'e-mail' }, unionid: { zh: '微信开放平台标识', en: 'WeChat UnionID' },
  openid: { zh: '微信公众号/小程序标识', en: 'WeChat OpenID' }, external_userid: { zh: '企微外部联系人标识', en: 'WeCom external contact ID' },
  member_no: { zh: '会员号', en: 'member number' }, device_id: { zh: '设备标识', en: 'device ID' }, anonymous_id: { zh: '匿名访客标识', en: 'anonymous ID' },
  user_id: { zh: '业务系统用户标识', en: 'user ID' },
};

export function fieldName(field: string): Text {
  return FIELDS[field] ?? { zh: field, en: field.replaceAll('_', ' ') };
}

const TESTS: Record<string, Text> = {
  'two-proportion z': { zh: '双样本比例 z 检验', en: 'two-proportion z-test' },
};

export function testName(test: string): Text {
  return TESTS[test] ?? { zh: test, en: test };
}
