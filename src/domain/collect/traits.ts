import type { IdentityFact, SeenIdentifier } from './event.ts';
import type { IdHasher } from './ids.ts';
import type { IdType } from '../privacy/normalize.ts';
import { maskText } from './properties.ts';

/**
 * Traits (用户属性) that arrive with identify / profile_set: identifier traits (phone, email, unionid …) become
 * hashed identifiers, name-like traits are encrypted, the rest update the profile as they are; a `consent` trait
 * (purpose → true/false or granted/withdrawn) becomes consent changes for the ledger. Nothing in plaintext.
 */
const IDENTIFIER_TRAITS: Record<string, IdType> = {
  phone: 'phone', mobile: 'phone', $phone: 'phone', phone_number: 'phone', $identity_mobile: 'phone',
  email: 'email', $email: 'email', $identity_email: 'email',
  unionid: 'unionid', union_id: 'unionid', $identity_mp_unionid: 'unionid',
  openid: 'openid', open_id: 'openid', $identity_mp_openid: 'openid', $identity_mp_id: 'openid',
  member_no: 'member_no', memberno: 'member_no', member_id: 'member_no',
  external_userid: 'external_userid',
  device_id: 'device_id', $device_id: 'device_id', $identity_android_id: 'device_id', $identity_idfv: 'device_id',
};
const ENCRYPTED_TRAITS = new Set(['name', '$name', 'real_name', 'full_name', 'nickname', 'birthday', '$birthday', 'address', 'id_card']);

export function traitsToFact(
  kind: IdentityFact['kind'],
  traits: Record<string, unknown>,
  ids: { userId: string | null; anonymousId: string | null; extra?: SeenIdentifier[] },
  at: number,
  hasher: IdHasher,
  op?: string,
): IdentityFact {
  const identifiers: SeenIdentifier[] = [];
  const push = (x: SeenIdentifier | null) => {
    if (x && !identifiers.some((y) => y.type === x.type && y.hash === x.hash && y.namespace === x.namespace)) identifiers.push(x);
  };
  push(hasher.identifier('user_id', ids.userId));
  push(hasher.identifier('anonymous_id', ids.anonymousId));
  for (const x of ids.extra ?? []) push(x);
  const kept: Record<string, unknown> = {};
  const consents: IdentityFact['consents'] = [];
  let evidence: IdentityFact['evidence'];
  for (const [k, v] of Object.entries(traits)) {
    const idType = IDENTIFIER_TRAITS[k.toLowerCase()] ?? IDENTIFIER_TRAITS[k];
    if (idType) {
      push(hasher.identifier(idType, v));
      continue;
    }
    if (k === 'consent' || k === 'consents' || k === '$consent') {
      consents.push(...consentChanges(v));
      evidence = consentEvidence(v) ?? evidence;
      continue;
    }
    if (ENCRYPTED_TRAITS.has(k.toLowerCase())) {
      if (v !== null && v !== undefined && v !== '') kept[`${k.replace(/^\$/, '')}_cipher`] = hasher.encryptText(String(v));
      continue;
    }
    // Only plain values (a string, number, boolean, or a list of strings): the profile keeps no nested objects.
    if (isPlain(v)) kept[k.replace(/^\$/, '')] = v;
  }
  return { kind, identifiers, traits: kept, consents, ...(evidence ? { evidence } : {}), at, ...(op ? { op } : {}) };
}

/** `{ policy_version: 'v3', context: 'signup form, checkbox 2' }` beside the purposes: how the consent was captured. */
function consentEvidence(v: unknown): IdentityFact['evidence'] {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const policyVersion = [o.policy_version, o.policyVersion].find((x) => typeof x === 'string') as string | undefined;
  const raw = [o.capture_context, o.context, o.captureContext].find((x) => typeof x === 'string') as string | undefined;
  const context = raw ? maskText(raw.slice(0, 200)) : undefined;
  return policyVersion || context ? { ...(policyVersion ? { policyVersion } : {}), ...(context ? { context } : {}) } : undefined;
}

function isPlain(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v) || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
}

/** `{ marketing_sms: true, analytics: 'withdrawn' }` → consent changes; unknown values are ignored. */
export function consentChanges(v: unknown): IdentityFact['consents'] {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return [];
  const out: IdentityFact['consents'] = [];
  for (const [purpose, x] of Object.entries(v)) {
    if (!/^[a-z][a-z0-9_]{1,60}$/.test(purpose)) continue;
    const granted = x === true || x === 'granted' || x === 'yes' || x === 1;
    const withdrawn = x === false || x === 'withdrawn' || x === 'no' || x === 0 || x === 'denied';
    if (granted || withdrawn) out.push({ purpose, status: granted ? 'granted' : 'withdrawn' });
  }
  return out;
}
