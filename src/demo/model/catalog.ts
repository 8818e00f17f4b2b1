import { Rng } from './random.ts';
import { Calendar, DAY, localMidnight } from './calendar.ts';
import { surname, givenName } from './names.ts';

/**
 * The fictional brand 山岚茶事 (Shanlan Tea & Living): stores in Chinese cities by tier (城市等级), their staff (导购),
 * ~200 SKUs by category (incl. 母婴 for parents), content items, community groups (社群) and campaigns.
 * Built once from the seed; customers refer to it by index.
 */
export const BRAND = '山岚茶事';

export interface City { province: string; city: string; tier: string; stores: number; weight: number }
export const CITIES: City[] = [
  { province: '上海', city: '上海', tier: '一线', stores: 4, weight: 14 },
  { province: '北京', city: '北京', tier: '一线', stores: 3, weight: 11 },
  { province: '广东', city: '广州', tier: '一线', stores: 2, weight: 7 },
  { province: '广东', city: '深圳', tier: '一线', stores: 2, weight: 7 },
  { province: '浙江', city: '杭州', tier: '新一线', stores: 3, weight: 8 },
  { province: '四川', city: '成都', tier: '新一线', stores: 2, weight: 6 },
  { province: '江苏', city: '南京', tier: '新一线', stores: 2, weight: 5 },
  { province: '江苏', city: '苏州', tier: '新一线', stores: 1, weight: 4 },
  { province: '湖北', city: '武汉', tier: '新一线', stores: 1, weight: 4 },
  { province: '湖南', city: '长沙', tier: '新一线', stores: 1, weight: 3 },
  { province: '福建', city: '厦门', tier: '二线', stores: 1, weight: 2 },
  { province: '安徽', city: '合肥', tier: '二线', stores: 1, weight: 2 },
  { province: '云南', city: '昆明', tier: '二线', stores: 1, weight: 2 },
  // Cities without a store: their customers buy online.
  { province: '山东', city: '青岛', tier: '二线', stores: 0, weight: 3 },
  { province: '河南', city: '郑州', tier: '新一线', stores: 0, weight: 3 },
  { province: '陕西', city: '西安', tier: '新一线', stores: 0, weight: 3 },
  { province: '辽宁', city: '大连', tier: '二线', stores: 0, weight: 2 },
  { province: '广西', city: '桂林', tier: '三线', stores: 0, weight: 2 },
];

/** Full province names (with 市/省/自治区), as some exports write them. */
export const PROVINCE_FULL: Record<string, string> = {
  上海: '上海市', 北京: '北京市', 广东: '广东省', 浙江: '浙江省', 四川: '四川省', 江苏: '江苏省', 湖北: '湖北省', 湖南: '湖南省',
  福建: '福建省', 安徽: '安徽省', 云南: '云南省', 山东: '山东省', 河南: '河南省', 陕西: '陕西省', 辽宁: '辽宁省', 广西: '广西壮族自治区',
};

export interface Store { code: string; name: string; cityIndex: number; kind: string; openedAt: number; staff: number[] }
export interface Staff { code: string; name: string; storeIndex: number; role: 'guide' | 'manager'; joinedAt: number }
export interface Product { sku: string; name: string; category: string; brand: string; priceCents: number; launchedAt: number }
export interface ContentItem { id: string; title: string; kind: string; topic: string; publishedAt: number }
export interface Group { id: string; name: string; storeIndex: number; ownerStaff: number; createdAt: number }

const CATEGORIES: { name: string; items: string[]; price: [number, number]; brand?: string; n: number }[] = [
  { name: '绿茶', items: ['明前龙井', '碧螺春', '黄山毛峰', '安吉白茶', '六安瓜片', '信阳毛尖'], price: [68, 398], n: 26 },
  { name: '红茶', items: ['正山小种', '金骏眉', '滇红', '祁门红茶', '英德红茶'], price: [58, 368], n: 24 },
  { name: '乌龙茶', items: ['铁观音', '大红袍', '凤凰单丛', '冻顶乌龙', '东方美人'], price: [68, 458], n: 24 },
  { name: '普洱', items: ['熟普饼', '生普沱', '小青柑', '老树生茶'], price: [88, 680], n: 18 },
  { name: '花草茶', items: ['桂花乌龙', '茉莉花茶', '玫瑰红茶', '白桃乌龙', '蜜桃冷泡'], price: [29, 99], n: 26 },
  { name: '茶具', items: ['盖碗', '公道杯', '旅行茶具', '玻璃壶', '品茗杯'], price: [39, 599], n: 24 },
  { name: '茶点', items: ['绿豆糕', '凤梨酥', '桂花糕', '坚果礼盒'], price: [19, 89], n: 18 },
  { name: '礼盒', items: ['新春礼盒', '中秋礼盒', '端午礼盒', '商务礼盒'], price: [168, 888], n: 16 },
  { name: '母婴', items: ['宝宝草本饮', '孕期无咖啡因花果茶', '儿童保温杯', '哺乳期麦茶', '儿童果味茶'], price: [29, 159], brand: '山岚·小山', n: 14 },
  { name: '生活方式', items: ['茶香香薰', '帆布袋', '茶香皂', '随行杯'], price: [29, 199], n: 14 },
];
const GRADES = ['', '特级', '一级', '经典', '臻选', '便携装', '罐装', '袋泡'];

export interface Catalog {
  stores: Store[];
  staff: Staff[];
  products: Product[];
  /** Product indexes sorted by price (for basket filling) and the sorted prices. */
  byPrice: number[];
  sortedPrices: number[];
  momProducts: number[];
  content: ContentItem[];
  groups: Group[];
  storesByCity: number[][];
  cityWeights: number[];
}

export function buildCatalog(seed: number, cal: Calendar): Catalog {
  const rng = Rng.for(seed, 'catalog');
  const stores: Store[] = [];
  const staff: Staff[] = [];
  const storesByCity: number[][] = CITIES.map(() => []);
  const kinds = ['flagship', 'mall', 'street', 'mall'];
  CITIES.forEach((c, ci) => {
    const districts = ['中心', '万象城', '太古里', '天街', '来福士', '大悦城', '老街', '新天地', '国金', '印象城'];
    for (let k = 0; k < c.stores; k++) {
      const si = stores.length;
      // The store's code is its short name (下单网点 in Youzan exports names the store, and it is the join key).
      const district = districts.splice(rng.int(districts.length), 1)[0];
      const code = `${c.city}${district}店`;
      const openedAt = cal.start - (200 + rng.int(1500)) * DAY;
      stores.push({ code, name: `${BRAND}·${code}`, cityIndex: ci, kind: k === 0 && c.tier === '一线' ? 'flagship' : kinds[k % kinds.length], openedAt, staff: [] });
      storesByCity[ci].push(si);
      const n = 3 + rng.int(4);
      for (let s = 0; s < n; s++) {
        const idx = staff.length;
        staff.push({
          code: `G${String(idx + 1).padStart(4, '0')}`,
          name: surname(rng) + givenName(rng),
          storeIndex: si,
          role: s === 0 ? 'manager' : 'guide',
          joinedAt: openedAt + rng.int(400) * DAY,
        });
        stores[si].staff.push(idx);
      }
    }
  });
  const products: Product[] = [];
  for (const cat of CATEGORIES) {
    for (let k = 0; k < cat.n; k++) {
      const base = cat.items[k % cat.items.length];
      const grade = GRADES[Math.floor(k / cat.items.length) % GRADES.length];
      const price = Math.round(cat.price[0] + (cat.price[1] - cat.price[0]) * Math.pow(rng.next(), 1.6));
      products.push({
        sku: `SL${String(products.length + 1).padStart(4, '0')}`,
        name: `${BRAND} ${grade}${base}`.replace('  ', ' '),
        category: cat.name,
        brand: cat.brand ?? BRAND,
        priceCents: price * 100,
        launchedAt: cal.start - rng.int(900) * DAY,
      });
    }
  }
  const byPrice = products.map((_, i) => i).sort((a, b) => products[a].priceCents - products[b].priceCents || a - b);
  const sortedPrices = byPrice.map((i) => products[i].priceCents);
  const momProducts = products.flatMap((p, i) => (p.category === '母婴' ? [i] : []));
  const content: ContentItem[] = [];
  const topics = ['冲泡技巧', '茶山故事', '新品', '节气养生', '茶具保养', '亲子时光', '会员活动'];
  const kindsC = ['article', 'article', 'video', 'poster', 'live'];
  for (let t = cal.start - 30 * DAY, k = 0; t < cal.end; t += Math.floor(3.5 * DAY), k++) {
    const topic = rng.pick(topics);
    content.push({ id: `C${String(k + 1).padStart(4, '0')}`, title: `${topic}｜第${k + 1}期`, kind: rng.pick(kindsC), topic, publishedAt: t + 10 * 3600 });
  }
  const groups: Group[] = [];
  stores.forEach((s, si) => {
    for (let g = 0; g < 2; g++) {
      const guides = s.staff.filter((x) => staff[x].role === 'guide');
      groups.push({ id: `GR${String(groups.length + 1).padStart(3, '0')}`, name: `${s.code}茶友${g + 1}群`, storeIndex: si, ownerStaff: guides[g % guides.length], createdAt: Math.max(s.openedAt, cal.start - 60 * DAY) });
    }
  });
  return { stores, staff, products, byPrice, sortedPrices, momProducts, content, groups, storesByCity, cityWeights: CITIES.map((c) => c.weight) };
}

export const CAMPAIGNS = {
  winback: { id: 'CMP-WB-2606', name: '老客召回 2026 夏', kind: 'winback', channel: 'wecom' },
  promo: { id: 'CMP-D11-2025', name: '双11 会员券 2025', kind: 'promotion', channel: 'mini_program' },
} as const;

export const MINI_PROGRAM_APPID = 'wx5e1a2b3c4d5e6f70';
export const startOf = (date: string) => localMidnight(date);
