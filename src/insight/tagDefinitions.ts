import { createHash } from 'node:crypto';
import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { BUILTIN_TAGS, checkRule, type TagRule } from '../domain/segments/tags.ts';

/**
 * Tag definitions (标签定义) live in the state store (state migration 070: the rule as JSON text, instants in epoch
 * ms); who carries a tag (`customer_tags`) stays in the warehouse, computed there. A rule is checked against its
 * fields' types before it is stored (`checkRule`), so every stored rule compiles.
 *
 * A store made before the move still has the warehouse's `tag_definitions`: its rows are copied into the state store
 * the first time definitions are read (the state wins on a name both hold), then removed from the warehouse — a
 * crash in between copies again, harmlessly.
 */
type Stores = Pick<App, 'state' | 'warehouse' | 'workspaceId'>;

export interface StoredTag { name: string; kind: 'rule' | 'manual'; rule: unknown; description: string | null; updated_at: number }

const moved = new Set<string>();

async function moveLegacy(app: Stores): Promise<void> {
  if (moved.has(app.warehouse.file)) return;
  const legacy = await app.warehouse.all<{ workspace_id: number; name: string; kind: string; rule: string | null; description: string | null; created: number; updated: number }>(
    `select workspace_id, name, kind, rule::varchar as rule, description, epoch_ms(created_at) as created, epoch_ms(updated_at) as updated
     from tag_definitions order by workspace_id, name`,
  ).catch(() => []);
  if (legacy.length) {
    await app.state.transaction(async () => {
      for (const r of legacy) {
        await app.state.run(
          `insert into tag_definitions (workspace_id, name, kind, rule, description, created_at, updated_at)
           values ($ws, $name, $kind, $rule, $d, $c, $u) on conflict (workspace_id, name) do nothing`,
          { ws: r.workspace_id, name: r.name, kind: r.kind, rule: r.rule, d: r.description, c: Number(r.created), u: Number(r.updated) },
        );
      }
    });
    await app.warehouse.run('delete from tag_definitions');
  }
  moved.add(app.warehouse.file);
}

async function ensureBuiltins(app: Stores): Promise<void> {
  const have = new Set((await app.state.all<{ name: string }>('select name from tag_definitions where workspace_id = $ws', { ws: app.workspaceId })).map((r) => r.name));
  const missing = BUILTIN_TAGS.filter((t) => !have.has(t.name));
  if (!missing.length) return;
  const now = Date.now();
  await app.state.transaction(async () => {
    for (const t of missing) {
      await app.state.run(
        `insert into tag_definitions (workspace_id, name, kind, rule, description, created_at, updated_at)
         values ($ws, $name, 'rule', $rule, $d, $now, $now) on conflict (workspace_id, name) do nothing`,
        { ws: app.workspaceId, name: t.name, rule: JSON.stringify(t.rule), d: t.description, now },
      );
    }
  });
}

/** Every definition of the workspace (the built-in ones included), by name. */
export async function storedTags(app: Stores): Promise<StoredTag[]> {
  await moveLegacy(app);
  await ensureBuiltins(app);
  const rows = await app.state.all<{ name: string; kind: string; rule: string | null; description: string | null; updated_at: number }>(
    'select name, kind, rule, description, updated_at from tag_definitions where workspace_id = $ws order by name', { ws: app.workspaceId });
  return rows.map((r) => ({ name: r.name, kind: r.kind === 'rule' ? 'rule' : 'manual', rule: r.rule ? JSON.parse(r.rule) : null, description: r.description ?? null, updated_at: Number(r.updated_at) }));
}

/** Is there a tag of this name (rule or manual)? For filters that name a tag. */
export async function tagExists(app: Stores, name: string): Promise<boolean> {
  await moveLegacy(app);
  if (BUILTIN_TAGS.some((t) => t.name === name)) return true;
  return (await app.state.scalar('select count(*) from tag_definitions where workspace_id = $ws and name = $n', { ws: app.workspaceId, n: name })) > 0;
}

/** What the rule definitions are now, as one string (a recompute is full when it moves; manual tags do not move it). */
export async function definitionsFingerprint(app: Stores): Promise<string> {
  const rules = (await storedTags(app)).filter((t) => t.kind === 'rule');
  return createHash('sha256').update(JSON.stringify(rules.map((t) => [t.name, t.rule]))).digest('hex').slice(0, 32);
}

/** Checks a tag name (1–64 characters, not blank). */
export function checkTagName(name: string): void {
  if (!name.trim() || [...name].length > 64) throw new UserError('bad_tag', 'A tag name is 1–64 characters.', '标签名需 1–64 个字符。');
}

/**
 * Defines (or redefines) a tag: a rule tag with a rule (checked against its fields' types first), a manual tag
 * without one. Nothing is stored when the rule is refused.
 */
export async function saveTagDefinition(app: Stores, name: string, rule: unknown, description?: string | null): Promise<{ kind: 'rule' | 'manual'; rule: TagRule | null }> {
  checkTagName(name);
  let parsed: TagRule | null = null;
  if (rule !== undefined && rule !== null) {
    const r = checkRule(rule);
    if ('problem' in r) throw new UserError('bad_rule', r.problem.en, r.problem.zh);
    parsed = r.rule;
  }
  await moveLegacy(app);
  const now = Date.now();
  await app.state.run(
    `insert into tag_definitions (workspace_id, name, kind, rule, description, created_at, updated_at)
     values ($ws, $name, $kind, $rule, $d, $now, $now)
     on conflict (workspace_id, name) do update set kind = excluded.kind, rule = excluded.rule, description = excluded.description, updated_at = excluded.updated_at`,
    { ws: app.workspaceId, name, kind: parsed ? 'rule' : 'manual', rule: parsed ? JSON.stringify(parsed) : null, d: description ?? null, now },
  );
  return { kind: parsed ? 'rule' : 'manual', rule: parsed };
}

/** A manual tag's definition, made when first used (an existing definition is left as it is). */
export async function ensureManualTag(app: Stores, name: string): Promise<void> {
  checkTagName(name);
  await moveLegacy(app);
  const now = Date.now();
  await app.state.run(
    `insert into tag_definitions (workspace_id, name, kind, rule, description, created_at, updated_at)
     values ($ws, $name, 'manual', null, null, $now, $now) on conflict (workspace_id, name) do nothing`,
    { ws: app.workspaceId, name, now },
  );
}
