import type { StateStore } from '../store/interfaces.ts';

/** A model card (模型卡): what a fitted model saw, its parameters and how well it did. */
export interface ModelCard {
  model: string;
  version: number;
  fittedAt: string;
  calibrationEnd: string | null;
  dataFrom: string | null;
  dataTo: string | null;
  customers: number;
  parameters: Record<string, unknown>;
  metrics: Record<string, unknown>;
  notes: string | null;
}

export type NewCard = Omit<ModelCard, 'version' | 'fittedAt'>;

/** Stores a new version of the model's card (in the state store: state migration 060) and returns it. */
export async function saveCard(s: StateStore, ws: number, c: NewCard): Promise<ModelCard> {
  return s.transaction(async () => {
    const v = await s.scalar('select coalesce(max(version), 0) + 1 as v from model_cards where workspace_id = $ws and model = $model', { ws, model: c.model });
    const fittedAt = new Date();
    await s.run(
      `insert into model_cards (workspace_id, model, version, fitted_at, calibration_end, data_from, data_to, customers, parameters, metrics, notes)
       values ($ws, $model, $version, $fitted, $cal, $from, $to, $customers, $parameters, $metrics, $notes)`,
      {
        ws, model: c.model, version: v, fitted: fittedAt.getTime(), cal: c.calibrationEnd, from: c.dataFrom, to: c.dataTo,
        customers: c.customers, parameters: JSON.stringify(c.parameters), metrics: JSON.stringify(c.metrics), notes: c.notes,
      });
    return { ...c, version: v, fittedAt: fittedAt.toISOString() };
  });
}

const COLUMNS = 'model, version, fitted_at, calibration_end, data_from, data_to, customers, parameters, metrics, notes';

function toCard(r: Record<string, unknown>): ModelCard {
  return {
    model: String(r.model), version: Number(r.version), fittedAt: new Date(Number(r.fitted_at)).toISOString(),
    calibrationEnd: (r.calibration_end as string) ?? null, dataFrom: (r.data_from as string) ?? null, dataTo: (r.data_to as string) ?? null,
    customers: Number(r.customers ?? 0), parameters: JSON.parse(String(r.parameters)), metrics: JSON.parse(String(r.metrics ?? '{}')),
    notes: (r.notes as string) ?? null,
  };
}

/** The latest card of a model, or undefined when it was never fitted. */
export async function latestCard(s: StateStore, ws: number, model: string): Promise<ModelCard | undefined> {
  const rows = await s.all(`select ${COLUMNS} from model_cards where workspace_id = $ws and model = $model order by version desc limit 1`, { ws, model });
  return rows.length ? toCard(rows[0]) : undefined;
}

/** The latest card of every model. */
export async function latestCards(s: StateStore, ws: number): Promise<ModelCard[]> {
  const rows = await s.all(
    `select ${COLUMNS} from model_cards c where workspace_id = $ws
     and version = (select max(version) from model_cards x where x.workspace_id = c.workspace_id and x.model = c.model) order by model`, { ws });
  return rows.map(toCard);
}
