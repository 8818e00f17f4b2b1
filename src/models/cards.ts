import type { Warehouse } from '../store/interfaces.ts';

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

/** Stores a new version of the model's card and returns it. */
export async function saveCard(s: Warehouse, ws: number, c: NewCard): Promise<ModelCard> {
  return s.transaction(async () => {
    const [{ v }] = await s.all<{ v: number }>(
      'select coalesce(max(version), 0) + 1 as v from model_cards where workspace_id = $ws and model = $model', { ws, model: c.model });
    const fittedAt = new Date().toISOString();
    await s.run(
      `insert into model_cards (workspace_id, model, version, fitted_at, calibration_end, data_from, data_to, customers, parameters, metrics, notes)
       values ($ws, $model, $version, $fitted::timestamp, $cal::date, $from::date, $to::date, $customers, $parameters::json, $metrics::json, $notes)`,
      {
        ws, model: c.model, version: Number(v), fitted: fittedAt.replace('Z', ''), cal: c.calibrationEnd, from: c.dataFrom, to: c.dataTo,
        customers: c.customers, parameters: JSON.stringify(c.parameters), metrics: JSON.stringify(c.metrics), notes: c.notes,
      });
    return { ...c, version: Number(v), fittedAt };
  });
}

const COLUMNS = `model, version, fitted_at, calibration_end::varchar as calibration_end, data_from::varchar as data_from,
  data_to::varchar as data_to, customers, parameters::varchar as parameters, metrics::varchar as metrics, notes`;

function toCard(r: Record<string, unknown>): ModelCard {
  return {
    model: String(r.model), version: Number(r.version), fittedAt: String(r.fitted_at),
    calibrationEnd: (r.calibration_end as string) ?? null, dataFrom: (r.data_from as string) ?? null, dataTo: (r.data_to as string) ?? null,
    customers: Number(r.customers ?? 0), parameters: JSON.parse(String(r.parameters)), metrics: JSON.parse(String(r.metrics ?? '{}')),
    notes: (r.notes as string) ?? null,
  };
}

/** The latest card of a model, or undefined when it was never fitted. */
export async function latestCard(s: Warehouse, ws: number, model: string): Promise<ModelCard | undefined> {
  const rows = await s.all(`select ${COLUMNS} from model_cards where workspace_id = $ws and model = $model order by version desc limit 1`, { ws, model });
  return rows.length ? toCard(rows[0]) : undefined;
}

/** The latest card of every model. */
export async function latestCards(s: Warehouse, ws: number): Promise<ModelCard[]> {
  const rows = await s.all(
    `select ${COLUMNS} from model_cards where workspace_id = $ws
     qualify row_number() over (partition by model order by version desc) = 1 order by model`, { ws });
  return rows.map(toCard);
}
