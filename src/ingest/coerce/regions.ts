/**
 * Province and city names as exports write them (上海 / 上海市 / Shanghai / shanghai shi / SH) → one normalised name, with
 * the city tier (城市等级, after the 第一财经 new-tier list). Unknown names pass through unchanged, with no tier.
 *
 * Provinces (省级): Chinese name, English name, ISO 3166-2:CN code (what Shopify's Province Code column holds, also
 * as `CN-GD`), other spellings.
 */
const PROVINCES: string[][] = [
  ['北京市', 'Beijing', 'BJ'], ['天津市', 'Tianjin', 'TJ'], ['上海市', 'Shanghai', 'SH'], ['重庆市', 'Chongqing', 'CQ'], ['河北省', 'Hebei', 'HE'],
  ['山西省', 'Shanxi', 'SX'], ['辽宁省', 'Liaoning', 'LN'], ['吉林省', 'Jilin', 'JL'], ['黑龙江省', 'Heilongjiang', 'HL'], ['江苏省', 'Jiangsu', 'JS'],
  ['浙江省', 'Zhejiang', 'ZJ'], ['安徽省', 'Anhui', 'AH'], ['福建省', 'Fujian', 'FJ'], ['江西省', 'Jiangxi', 'JX'], ['山东省', 'Shandong', 'SD'],
  ['河南省', 'Henan', 'HA'], ['湖北省', 'Hubei', 'HB'], ['湖南省', 'Hunan', 'HN'], ['广东省', 'Guangdong', 'GD'], ['海南省', 'Hainan', 'HI'],
  ['四川省', 'Sichuan', 'SC'], ['贵州省', 'Guizhou', 'GZ'], ['云南省', 'Yunnan', 'YN'], ['陕西省', 'Shaanxi', 'SN'], ['甘肃省', 'Gansu', 'GS'],
  ['青海省', 'Qinghai', 'QH'], ['台湾省', 'Taiwan', 'TW'], ['内蒙古自治区', 'Inner Mongolia', 'NM', 'Nei Mongol', 'Neimenggu'],
  ['广西壮族自治区', 'Guangxi', 'GX'], ['西藏自治区', 'Tibet', 'XZ', 'Xizang', 'YZ'], ['宁夏回族自治区', 'Ningxia', 'NX'],
  ['新疆维吾尔自治区', 'Xinjiang', 'XJ'], ['香港特别行政区', 'Hong Kong', 'HK'], ['澳门特别行政区', 'Macau', 'MO', 'Macao'],
];

/** Other spellings of a city (市) than its Chinese and plain pinyin names. */
const CITY_ALIASES: Record<string, string[]> = { 西安: ["Xi'an", 'Xi’an'] };

/** city (市), English name, province, tier */
const CITIES: [string, string, string, string][] = [
  ...(['北京|Beijing|北京市', '上海|Shanghai|上海市', '广州|Guangzhou|广东省', '深圳|Shenzhen|广东省'].map((s) => [...s.split('|'), '1'] as [string, string, string, string])),
  ...([
    '成都|Chengdu|四川省', '重庆|Chongqing|重庆市', '杭州|Hangzhou|浙江省', '武汉|Wuhan|湖北省', '苏州|Suzhou|江苏省', '西安|Xian|陕西省', '南京|Nanjing|江苏省',
    '长沙|Changsha|湖南省', '天津|Tianjin|天津市', '郑州|Zhengzhou|河南省', '东莞|Dongguan|广东省', '青岛|Qingdao|山东省', '昆明|Kunming|云南省',
    '宁波|Ningbo|浙江省', '合肥|Hefei|安徽省',
  ].map((s) => [...s.split('|'), 'new1'] as [string, string, string, string])),
  ...([
    '佛山|Foshan|广东省', '沈阳|Shenyang|辽宁省', '无锡|Wuxi|江苏省', '济南|Jinan|山东省', '厦门|Xiamen|福建省', '福州|Fuzhou|福建省', '温州|Wenzhou|浙江省',
    '哈尔滨|Harbin|黑龙江省', '石家庄|Shijiazhuang|河北省', '大连|Dalian|辽宁省', '南宁|Nanning|广西壮族自治区', '泉州|Quanzhou|福建省', '金华|Jinhua|浙江省',
    '贵阳|Guiyang|贵州省', '常州|Changzhou|江苏省', '长春|Changchun|吉林省', '南昌|Nanchang|江西省', '南通|Nantong|江苏省', '嘉兴|Jiaxing|浙江省',
    '徐州|Xuzhou|江苏省', '惠州|Huizhou|广东省', '太原|Taiyuan|山西省', '台州|Taizhou|浙江省', '绍兴|Shaoxing|浙江省', '保定|Baoding|河北省',
    '中山|Zhongshan|广东省', '潍坊|Weifang|山东省', '临沂|Linyi|山东省', '珠海|Zhuhai|广东省', '烟台|Yantai|山东省',
  ].map((s) => [...s.split('|'), '2'] as [string, string, string, string])),
  ...([
    '兰州|Lanzhou|甘肃省', '海口|Haikou|海南省', '三亚|Sanya|海南省', '乌鲁木齐|Urumqi|新疆维吾尔自治区', '呼和浩特|Hohhot|内蒙古自治区', '银川|Yinchuan|宁夏回族自治区',
    '西宁|Xining|青海省', '拉萨|Lhasa|西藏自治区', '扬州|Yangzhou|江苏省', '镇江|Zhenjiang|江苏省', '湖州|Huzhou|浙江省', '芜湖|Wuhu|安徽省', '洛阳|Luoyang|河南省',
    '唐山|Tangshan|河北省', '汕头|Shantou|广东省', '江门|Jiangmen|广东省', '襄阳|Xiangyang|湖北省', '宜昌|Yichang|湖北省', '株洲|Zhuzhou|湖南省', '柳州|Liuzhou|广西壮族自治区',
  ].map((s) => [...s.split('|'), '3'] as [string, string, string, string])),
];

/** The key names are matched on: suffixes (省, 市, 自治区 …), spaces and case dropped. */
export function regionKey(s: string): string {
  return s.trim().toLowerCase().replace(/\s+/g, '').replace(/(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|省|市|shi|sheng|city|province)$/u, '');
}

export interface RegionRow { key: string; kind: 'province' | 'city'; name: string; province: string; tier: string | null }

/** Every alias row: Chinese with and without suffix, English, for provinces and cities. */
export function regionRows(): RegionRow[] {
  const rows = new Map<string, RegionRow>();
  const add = (alias: string, r: Omit<RegionRow, 'key'>) => {
    const key = `${r.kind}:${regionKey(alias)}`;
    if (!rows.has(key)) rows.set(key, { key: regionKey(alias), ...r });
  };
  for (const [zh, ...others] of PROVINCES) {
    const code = others[1];
    for (const a of [zh, ...others, `CN-${code}`]) add(a, { kind: 'province', name: zh, province: zh, tier: null });
  }
  for (const [zh, en, province, tier] of CITIES) for (const a of [zh, `${zh}市`, en, ...(CITY_ALIASES[zh] ?? [])]) add(a, { kind: 'city', name: `${zh}市`, province, tier });
  return [...rows.values()];
}
