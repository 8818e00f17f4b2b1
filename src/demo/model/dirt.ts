import type { Rng } from './random.ts';

/**
 * The dirt of real exports (脏数据): one phone written five ways, 上海 vs 上海市, blanks. Every dirty value is
 * counted (by file and kind) so truth.json can say exactly how much of each there is.
 */
export const PHONE_FORMATS = ['plain', 'spaced_plus86', 'dashed', 'prefix86', 'plus86'] as const;
export type PhoneFormat = (typeof PHONE_FORMATS)[number] | 'shopify_quote';
const PHONE_WEIGHTS = [0.5, 0.15, 0.15, 0.1, 0.1];

/** 13812345678 → one of: 13812345678, +86 138 1234 5678, 138-1234-5678, 8613812345678, +8613812345678. */
export function formatPhone(phone: string, format: PhoneFormat): string {
  switch (format) {
    case 'spaced_plus86':
      return `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
    case 'dashed':
      return `${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`;
    case 'prefix86':
      return `86${phone}`;
    case 'plus86':
      return `+86${phone}`;
    case 'shopify_quote':
      return `'+86${phone}`;
    default:
      return phone;
  }
}

export class DirtCounter {
  readonly phones: Record<string, Record<string, number>> = {};
  readonly other: Record<string, Record<string, number>> = {};

  /** A phone in a random format, counted under the file's name. */
  phone(rng: Rng, file: string, phone: string): string {
    const f = PHONE_FORMATS[rng.weighted(PHONE_WEIGHTS)];
    return this.phoneAs(file, phone, f);
  }

  phoneAs(file: string, phone: string, f: PhoneFormat): string {
    const byFile = (this.phones[file] ??= {});
    byFile[f] = (byFile[f] ?? 0) + 1;
    return formatPhone(phone, f);
  }

  count(file: string, kind: string, n = 1): void {
    const byFile = (this.other[file] ??= {});
    byFile[kind] = (byFile[kind] ?? 0) + n;
  }

  /** A province or city written with or without its suffix (上海 / 上海市), or blank; counted. */
  place(rng: Rng, file: string, short: string, full: string, pFull: number, pBlank: number): string {
    if (rng.chance(pBlank)) {
      this.count(file, 'blank_city');
      return '';
    }
    if (short === '上海') {
      const shi = rng.chance(pFull);
      this.count(file, shi ? 'shanghai_shi' : 'shanghai');
      return shi ? full : short;
    }
    return rng.chance(pFull) ? full : short;
  }
}
