/**
 * Advertising-law lint for message copy (广告法合规检查). Pure: text in, findings out.
 *
 * - 广告法 第九条第（三）项 forbids 国家级、最高级、最佳 and similar absolute terms (绝对化用语).
 * - Marketing SMS must carry the sender's signature 【签名】 and a way to refuse further messages (退订方式),
 *   per 通信短信息服务管理规定 (MIIT order 31, 2015) art. 18–19 and 广告法 第四十三条.
 *
 * Positions are UTF-16 offsets into the text (`start` inclusive, `end` exclusive), which for Chinese copy are
 * character offsets.
 */

export type CopyChannel = 'sms' | 'email' | 'wecom' | 'push' | 'mini_program' | 'other';
export const COPY_CHANNELS: CopyChannel[] = ['sms', 'email', 'wecom', 'push', 'mini_program', 'other'];

export type FindingRule = 'absolute_term' | 'sms_opt_out_missing' | 'sms_signature_missing' | 'sms_signature_misplaced' | 'email_unsubscribe_missing' | 'sms_length';

export interface CopyFinding {
  rule: FindingRule;
  severity: 'error' | 'warning' | 'info';
  /** The offending text (absent for a missing element). */
  term?: string;
  start?: number;
  end?: number;
  /** Replacements that keep the meaning without the absolute claim. */
  suggestions: string[];
  law: string;
  message: string;
  message_zh: string;
}

export interface CopyLintResult {
  ok: boolean;
  channel: CopyChannel;
  length: number;
  /** SMS segments billed by carriers: 70 characters for one, 67 per segment when longer. */
  smsSegments?: number;
  findings: CopyFinding[];
}

const ART9 = '广告法 第九条第（三）项';

/** Absolute terms (绝对化用语) and what to say instead. Longer terms win over the shorter ones they contain. */
export const ABSOLUTE_TERMS: Record<string, string[]> = {
  全网最低: ['超值', '优惠力度大'],
  全网最: ['备受欢迎的', '人气'],
  史上最: ['超值', '难得的'],
  全国最: ['深受欢迎的'],
  全球最: ['深受欢迎的'],
  最低价: ['优惠价', '超值价'],
  最低: ['超值', '优惠'],
  最佳: ['优选', '出色'],
  最好: ['优质', '出色'],
  最优: ['优选', '优质'],
  最高: ['高', '出众'],
  最强: ['强劲', '出众'],
  最大: ['大'],
  最新: ['新品', '新款'],
  最先进: ['先进'],
  最便宜: ['实惠', '超值'],
  最受欢迎: ['广受欢迎', '人气'],
  最畅销: ['热销', '畅销'],
  最火: ['热门', '人气'],
  最热: ['热门'],
  最具: ['颇具', '富有'],
  最: ['非常', '很'],
  第一: ['领先', '前列'],
  首选: ['优选', '推荐'],
  首个: ['率先推出的'],
  唯一: ['独特', '专属'],
  独一无二: ['独特', '别具一格'],
  国家级: ['高品质', '严选'],
  世界级: ['国际水准', '高品质'],
  全球级: ['国际水准'],
  宇宙级: ['出众'],
  顶级: ['高端', '精选'],
  顶尖: ['高端', '出色'],
  极品: ['精品', '臻选'],
  极致: ['精致', '用心'],
  绝对: ['确实', '真正'],
  百分之百: ['高度', '满满'],
  '100%': ['高比例', '满满'],
  万能: ['多用途', '多功能'],
  永久: ['长效', '持久'],
  完美: ['出色', '精致'],
  王牌: ['招牌', '明星'],
  销量冠军: ['热销', '人气'],
  领导品牌: ['知名品牌'],
  领袖品牌: ['知名品牌'],
  国家免检: ['质检合格'],
  特供: ['精选', '定制'],
  'NO.1': ['领先', '热门'],
  TOP1: ['热门', '人气'],
};

/** Everyday words that make no claim: 最近 (recently), 最后 (last), 最终, 最初, 最早, 第一次 (the first time) … */
const NOT_CLAIMS = ['最近', '最后', '最终', '最初', '最早', '最晚', '最迟', '最少需', '最多可', '第一次', '第一步', '第一天'];

const TERMS_BY_LENGTH = Object.keys(ABSOLUTE_TERMS).sort((a, b) => b.length - a.length);

/** Every absolute term in the text, longest match first, non-overlapping, in text order. */
export function findAbsoluteTerms(text: string): CopyFinding[] {
  const out: CopyFinding[] = [];
  const upper = text.toUpperCase();
  let i = 0;
  while (i < text.length) {
    const plain = NOT_CLAIMS.find((w) => text.startsWith(w, i));
    if (plain) {
      i += plain.length;
      continue;
    }
    const term = TERMS_BY_LENGTH.find((t) => upper.startsWith(t.toUpperCase(), i));
    if (!term) {
      i++;
      continue;
    }
    const end = i + term.length;
    const found = text.slice(i, end);
    const generic = term === '最';
    out.push({
      rule: 'absolute_term',
      severity: generic ? 'warning' : 'error',
      term: found,
      start: i,
      end,
      suggestions: ABSOLUTE_TERMS[term],
      law: ART9,
      message: `"${found}" at ${i} is an absolute term the Advertising Law forbids in advertising; say it without the superlative.`,
      message_zh: `第 ${i} 个字符处的「${found}」属于广告法禁止的绝对化用语，请改为不含最高级的表述。`,
    });
    i = end;
  }
  return out;
}

/** 拒收请回复R, 回T退订, 退订回T, 退订回TD, 回复TD退订, 回N退订, 拒收回R … */
const OPT_OUT = /(拒收|退订|取消订阅)[^，。,.!！]{0,6}[A-Za-z0-9]{1,4}|回复?\s*[A-Za-z0-9]{1,4}\s*(退订|拒收)/;
/** 【茶语】: 2–16 characters between the brackets, at the start or the end of the message. */
const SIGNATURE = /【[^【】]{2,16}】/g;

export const SMS_OPT_OUT_SUGGESTION = '拒收请回复R';

/** Lints one piece of message copy for a channel. `ok` is false when any finding is an error. */
export function lintCopy(text: string, channel: CopyChannel = 'other'): CopyLintResult {
  const findings = findAbsoluteTerms(text);
  const result: CopyLintResult = { ok: true, channel, length: [...text].length, findings };
  if (channel === 'sms') {
    if (!OPT_OUT.test(text)) {
      findings.push({
        rule: 'sms_opt_out_missing', severity: 'error', suggestions: [SMS_OPT_OUT_SUGGESTION, '退订回T'],
        law: '通信短信息服务管理规定 第十八条；广告法 第四十三条',
        message: `A marketing SMS must tell the recipient how to opt out (unsubscribe), e.g. append "${SMS_OPT_OUT_SUGGESTION}".`,
        message_zh: `营销短信必须提供拒收/退订方式，例如在结尾加上「${SMS_OPT_OUT_SUGGESTION}」。`,
      });
    }
    const sigs = [...text.matchAll(SIGNATURE)];
    const trimmed = text.trim();
    if (sigs.length === 0) {
      findings.push({
        rule: 'sms_signature_missing', severity: 'error', suggestions: ['【品牌名】'],
        law: '通信短信息服务管理规定 第十九条',
        message: 'A marketing SMS must carry the sender\'s signature in 【】 at the start or the end.',
        message_zh: '营销短信必须在开头或结尾带有【】内的签名。',
      });
    } else if (!sigs.some((m) => m.index === text.indexOf(trimmed) || m.index! + m[0].length === text.indexOf(trimmed) + trimmed.length)) {
      findings.push({
        rule: 'sms_signature_misplaced', severity: 'warning', term: sigs[0][0], start: sigs[0].index, end: sigs[0].index! + sigs[0][0].length,
        suggestions: [`${sigs[0][0]}${trimmed.replace(sigs[0][0], '')}`],
        law: '通信短信息服务管理规定 第十九条',
        message: 'The signature should stand at the start or the end of the message.',
        message_zh: '签名应位于短信的开头或结尾。',
      });
    }
    result.smsSegments = result.length <= 70 ? 1 : Math.ceil(result.length / 67);
    if (result.smsSegments > 1) {
      findings.push({
        rule: 'sms_length', severity: 'info', suggestions: [],
        law: '',
        message: `${result.length} characters: billed as ${result.smsSegments} SMS segments.`,
        message_zh: `共 ${result.length} 个字符，按 ${result.smsSegments} 条短信计费。`,
      });
    }
  }
  if (channel === 'email' && !/(退订|unsubscribe|取消订阅)/i.test(text)) {
    findings.push({
      rule: 'email_unsubscribe_missing', severity: 'warning', suggestions: ['如不想再收到此类邮件，请点击退订'],
      law: '互联网电子邮件服务管理办法 第十三条',
      message: 'A marketing e-mail should carry an unsubscribe link.',
      message_zh: '营销邮件应附有退订链接。',
    });
  }
  findings.sort((a, b) => (a.start ?? Infinity) - (b.start ?? Infinity));
  result.ok = !findings.some((f) => f.severity === 'error');
  return result;
}
