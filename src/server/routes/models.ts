import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { latestCard, latestCards } from '../../models/cards.ts';
import { UserError } from '../../errors.ts';
import type { HoldoutEvaluation } from '../../models/holdout.ts';
import { renderHoldoutChart } from '../../models/holdoutChartFile.ts';
import { holdoutChartData } from '../../domain/models/holdoutChart.ts';

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

  server.get('/api/v1/models/bgnbd/holdout', {
    config: { permission: 'models:read' },
    schema: {
      summary: 'Calibration/holdout chart of the latest BG/NBD fit: predicted vs actual repeat purchases by frequency and per week (验证期对比图)',
      description: 'format=json (default): the chart data; html: a self-contained ECharts page; svg: a server-side ECharts render.',
      tags: ['models'],
      querystring: { type: 'object', properties: { format: { type: 'string', enum: ['json', 'html', 'svg'], default: 'json' } } },
      response: {
        200: {
          type: 'object',
          properties: {
            calibrationEnd: { type: 'string' }, holdoutEnd: { type: ['string', 'null'] },
            byFrequency: { type: 'object', additionalProperties: true }, weekly: { type: 'object', additionalProperties: true },
          },
        },
      },
    },
  }, async (req, reply) => {
    const { format } = req.query as { format: 'json' | 'html' | 'svg' };
    const c = await latestCard(app.state, app.workspaceId, 'bgnbd');
    if (!c) throw new UserError('model_not_fitted', "Model 'bgnbd' has not been fitted yet.", "模型 'bgnbd' 尚未拟合。", 404);
    const h = c.metrics.holdout as HoldoutEvaluation;
    if (format === 'json') {
      if (!h.holdoutEnd) throw new UserError('no_holdout', `No orders after the calibration end ${h.calibrationEnd}: no holdout to chart.`, `校准期结束日 ${h.calibrationEnd} 之后没有订单，无验证期可作图。`, 404);
      return holdoutChartData(h);
    }
    const { body } = renderHoldoutChart(h, format);
    return reply.type(format === 'html' ? 'text/html; charset=utf-8' : 'image/svg+xml; charset=utf-8').send(body);
  });

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
