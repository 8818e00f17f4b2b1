import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { latestCard, latestCards } from '../../models/cards.ts';
import { UserError } from '../../errors.ts';

const card = {
  type: 'object',
  properties: {
    model: { type: 'string' }, version: { type: 'integer' }, fittedAt: { type: 'string' },
    calibrationEnd: { type: ['string', 'null'] }, dataFrom: { type: ['string', 'null'] }, dataTo: { type: ['string', 'null'] },
    customers: { type: 'integer' },
    parameters: { type: 'object', additionalProperties: true },
    metrics: { type: 'object', additionalProperties: true },
    notes: { type: ['string', 'null'] },
  },
};

/** GET /api/v1/models: the latest card of every fitted model; GET /api/v1/models/:name: one model's card (模型卡). */
export async function modelRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.get('/api/v1/models', {
    config: { permission: 'models:read' },
    schema: {
      summary: 'Model cards: data window, parameters and metrics of each fitted model (模型卡)',
      tags: ['models'],
      response: { 200: { type: 'object', properties: { models: { type: 'array', items: card } } } },
    },
  }, async () => ({ models: await latestCards(app.state, app.workspaceId) }));

  server.get('/api/v1/models/:name', {
    config: { permission: 'models:read' },
    schema: {
      summary: 'The latest card of one model (bgnbd, gamma-gamma, churn …)',
      tags: ['models'],
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 64 } } },
      response: { 200: card },
    },
  }, async (req) => {
    const { name } = req.params as { name: string };
    const c = await latestCard(app.state, app.workspaceId, name);
    if (!c) throw new UserError('model_not_fitted', `Model '${name}' has not been fitted yet.`, `模型 '${name}' 尚未拟合。`, 404);
    return c;
  });
}
