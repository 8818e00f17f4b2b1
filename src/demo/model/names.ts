import type { Rng } from './random.ts';

/** Fictional Chinese names (姓名) for demo customers and staff: common surnames, two-character given names. */
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁亮航博文思雨欣怡梓涵子轩一诺晨曦若汐佳琪嘉欣雅婷梦瑶诗琪紫萱可馨晓彤';

export function surname(rng: Rng): string {
  return SURNAMES[rng.int(SURNAMES.length)];
}

export function givenName(rng: Rng): string {
  const a = GIVEN[rng.int(GIVEN.length)];
  return rng.chance(0.2) ? a : a + GIVEN[rng.int(GIVEN.length)];
}

const NICK = ['茶', '小', '阿', '喵', '暖', '木', '云', '山', '青', '栗'];
const NICK2 = ['宝', '子', '叶', '糖', '鱼', '兔', '竹', '柚', '米', '团'];
/** A WeChat-style nickname (昵称). */
export function nickname(rng: Rng): string {
  return `${rng.pick(NICK)}${rng.pick(NICK2)}${rng.chance(0.3) ? rng.int(100) : ''}`;
}
