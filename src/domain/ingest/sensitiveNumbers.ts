/**
 * Numbers that are sensitive personal information under PIPL art. 28 when they turn up in free text: a mainland
 * resident ID-card number (身份证号, 18 characters with an ISO 7064 MOD 11-2 check character) and a bank-card
 * number (银行卡号, 13–19 digits passing the Luhn check).
 */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function isIdCardNumber(s: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(s)) return false;
  const month = Number(s.slice(10, 12));
  const day = Number(s.slice(12, 14));
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11] === s[17].toUpperCase();
}

export function isBankCardNumber(s: string): boolean {
  if (!/^\d{13,19}$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    let d = Number(s[s.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The sensitive number a text holds, if any: 'id_card' or 'bank_card'. A number is a whole run of digits, or whole
 * groups of one split by single spaces or dashes (6212 2610 0000 1234 565) — never a part of a longer digit run, so a
 * 20-digit order number is not a card because its first 16 digits happen to pass Luhn.
 */
export function sensitiveNumberIn(text: string): 'id_card' | 'bank_card' | null {
  for (const run of text.match(/\d+(?:[ -]\d+)*[Xx]?/g) ?? []) {
    const groups = run.split(/[ -]/);
    for (let i = 0; i < groups.length; i++) {
      let s = '';
      for (let j = i; j < groups.length && s.length < 19; j++) {
        s += groups[j];
        if (isIdCardNumber(s)) return 'id_card';
        if (isBankCardNumber(s)) return 'bank_card';
      }
    }
  }
  return null;
}
