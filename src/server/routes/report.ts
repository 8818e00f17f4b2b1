import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { CONTENT_TYPES, checkLangFormat, generateReport } from '../../report/generate.ts';
import { listReportHistory, readHistoryFile, startMonthlySchedule } from '../../report/history.ts';

const QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    lang: { type: 'string', enum: ['zh', 'en'], default: 'zh' },
    format: { type: 'string', enum: ['html', 'pdf', 'md'], default: 'html' },
    from: { type: 'string', format: 'date', description: 'first local day, inclusive' },
    to: { type: 'string', format: 'date', description: 'last local day, inclusive' },
  },
} as const;

/**
 * GET /report (and GET / until the console exists): the insight & optimisation report, generated from the data
 * on request. GET /api/v1/reports lists the monthly reports kept as history; GET /reports/:file serves one.
 */
export async function reportRoutes(server: FastifyInstance, app: App): Promise<void> {
  const handler = async (req: { query: unknown }, reply: { type(t: string): unknown; send(b: unknown): unknown }) => {
    const q = req.query as { lang?: string; format?: string; from?: string; to?: string };
    const { lang, format } = checkLangFormat(q.lang ?? 'zh', q.format ?? 'html');
    const { bytes } = await generateReport(app, { lang, format, from: q.from, to: q.to });
    reply.type(CONTENT_TYPES[format]);
    return reply.send(bytes);
  };
  const schema = (summary: string) => ({ summary, tags: ['report'], querystring: QUERY, produces: Object.values(CONTENT_TYPES) });
  server.get('/report', { config: { permission: 'report:read' }, schema: schema('The insight & optimisation report (HTML, PDF or Markdown; zh or en)') }, handler);
  server.get('/', { config: { permission: 'report:read' }, schema: { ...schema('Home page: the report, until the console exists'), hide: true } }, handler);

  server.get('/api/v1/reports', {
    config: { permission: 'report:read' },
    schema: {
      summary: 'Monthly reports kept as history',
      tags: ['report'],
      response: { 200: { type: 'object', properties: { reports: { type: 'array', items: { type: 'object', additionalProperties: true } } } } },
    },
  }, async () => ({ reports: await listReportHistory(app) }));

  server.get('/reports/:month/:file', {
    config: { permission: 'report:read' },
    schema: {
      summary: 'One file of a monthly report kept as history',
      tags: ['report'],
      params: { type: 'object', properties: { month: { type: 'string', pattern: '^\\d{4}-\\d{2}$' }, file: { type: 'string', pattern: '^report-[a-z]{2}\\.(html|pdf|md)$' } }, required: ['month', 'file'] },
    },
  }, async (req, reply) => {
    const { month, file } = req.params as { month: string; file: string };
    const { bytes, format } = readHistoryFile(app, month, file);
    reply.type(CONTENT_TYPES[format]);
    return reply.send(bytes);
  });

  const stop = startMonthlySchedule(app, server.log);
  server.addHook('onClose', async () => stop());
}
