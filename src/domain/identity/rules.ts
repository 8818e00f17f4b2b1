import type { IdType } from '../privacy/normalize.ts';
import { ID_TYPES } from '../privacy/normalize.ts';

/**
 * Merge rules (合并规则): identifier types in priority order. Records that share an identifier are the same person;
 * links are applied in this order, so when two links disagree the higher-priority one wins and the other is
 * flagged as a conflict. `unique` types are held at most once per person: a merge that would give one customer
 * two different values of such a type (one unionid claimed by two phones) is not made but flagged for review.
 * Types missing from `priority` never link records.
 */
export interface MergeRules {
  priority: IdType[];
  unique: IdType[];
}

export const DEFAULT_RULES: MergeRules = {
  priority: ['unionid', 'phone', 'member_no', 'email', 'external_userid', 'openid', 'user_id', 'device_id', 'anonymous_id'],
  unique: ['unionid', 'phone'],
};

/** Validates a rule set given as lists of type names (from settings or a CLI flag). */
export function parseRules(priority: string[], unique: string[] = DEFAULT_RULES.unique): MergeRules | { error: string } {
  const bad = [...priority, ...unique].filter((t) => !ID_TYPES.includes(t as IdType));
  if (bad.length) return { error: `unknown identifier type(s): ${bad.join(', ')}; known: ${ID_TYPES.join(', ')}` };
  if (new Set(priority).size !== priority.length) return { error: 'an identifier type appears twice in the priority list' };
  return { priority: priority as IdType[], unique: unique as IdType[] };
}

/** Rank of a type in the priority list (0 = highest); types not listed rank after all listed ones. */
export function rankOf(rules: MergeRules, type: IdType): number {
  const i = rules.priority.indexOf(type);
  return i < 0 ? rules.priority.length + ID_TYPES.indexOf(type) : i;
}
