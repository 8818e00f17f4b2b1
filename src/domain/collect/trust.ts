import type { IdentityFact, SeenIdentifier } from './event.ts';

/**
 * What a source may do with a person, by its trust (docs/collect.md, "Trust"). A *client* source's write key is public
 * by design (a web page, a mini-program), so anyone can send with it:
 * - its own ids (user id, anonymous id) link its events to one person, as analytics needs;
 * - every other identifier it names (phone, e-mail, unionid, openid, member number, external_userid, device id) is a
 *   claim: kept unverified beside that person, never a join key — it cannot merge into, or attach itself to, the
 *   customer who holds that phone;
 * - its traits fill profile fields that are empty, never change one already set;
 * - a consent change counts only when the source captures consent (`settings.capture_consent`) and the change
 *   carries its evidence (the policy version shown and where it was captured), and never for third-party sharing, a
 *   sensitive class or a guardian's consent (those need a verified channel: an import or a server source).
 * A *server* source (a secret key on the brand's back end) identifies as an import does.
 */
export type Trust = 'client' | 'server';

/** The ids a client uses to name its own visitor: they link, every other identifier is a claim. */
const LINK_TYPES = new Set(['user_id', 'anonymous_id']);

export function linkAndClaims(f: IdentityFact, trust: Trust): { link: SeenIdentifier[]; claims: SeenIdentifier[] } {
  if (trust === 'server') return { link: f.identifiers, claims: [] };
  return { link: f.identifiers.filter((x) => LINK_TYPES.has(x.type)), claims: f.identifiers.filter((x) => !LINK_TYPES.has(x.type)) };
}

/** A policy version as the ledger keeps it: a short token (v3, 2026-01, privacy-2.1), never free text. */
const POLICY_VERSION = /^[\w.:-]{1,64}$/;

export interface ConsentDecision {
  accepted: { purpose: string; status: 'granted' | 'withdrawn' }[];
  refused: { purpose: string; why: 'not_captured' | 'no_evidence' | 'verified_only' }[];
  policyVersion: string | null;
  context: string | null;
}

/** The consent changes of a fact a source may record, and why the others are refused. */
export function consentsFrom(f: IdentityFact, trust: Trust, captureConsent: boolean): ConsentDecision {
  const policyVersion = typeof f.evidence?.policyVersion === 'string' && POLICY_VERSION.test(f.evidence.policyVersion) ? f.evidence.policyVersion : null;
  const context = typeof f.evidence?.context === 'string' && f.evidence.context.trim() ? f.evidence.context.trim().slice(0, 200) : null;
  const out: ConsentDecision = { accepted: [], refused: [], policyVersion, context };
  for (const c of f.consents) {
    if (trust === 'server') out.accepted.push(c);
    else if (c.purpose === 'third_party' || c.purpose === 'guardian' || c.purpose.startsWith('sensitive_')) out.refused.push({ purpose: c.purpose, why: 'verified_only' });
    else if (!captureConsent) out.refused.push({ purpose: c.purpose, why: 'not_captured' });
    else if (!policyVersion || !context) out.refused.push({ purpose: c.purpose, why: 'no_evidence' });
    else out.accepted.push(c);
  }
  return out;
}
