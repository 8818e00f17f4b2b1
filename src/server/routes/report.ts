import type { FastifyInstance, FastifyReply } from 'fastify';
import { appOn, type App } from '../../app/context.ts';
import { CONTENT_TYPES, checkLangFormat, generateReport } from '../../report/generate.ts';
import { listReportHistory, readHistoryFile } from '../../report/history.ts';
import { ReportKeeper } from '../../report/kept.ts';

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
 * GET /report (and GET / until the console exists): the insight & optimisation report. Without a period it is the
 * default period's report, served from its kept copy and rebuilt in the background when the data changed
 * (src/report/kept.ts; the header x-siyu-report says fresh, stale or built); with --from/--to it is built for the
 * request. GET /api/v1/reports lists the reports kept as history; GET /reports/:month/:file serves one.
 */
export async function reportRoutes(server: FastifyInstance, app: App): Promise<void> {
  const keeper = new ReportKeeper(app, server.log);
  const handler = async (req: { query: unknown }, reply: FastifyReply) => {
    const q = req.query as { lang?: string; format?: string; from?: string; to?: string };
    const { lang, format } = checkLangFormat(q.lang ?? 'zh', q.format ?? 'html');
    reply.type(CONTENT_TYPES[format]);
    if (!q.from && !q.to) {
      const served = await keeper.serve(lang, format);
      reply.header('x-siyu-report', served.state);
      return reply.send(served.bytes);
    }
    const conn = await app.warehouse.fork();
    try {
      const { bytes } = await generateReport(appOn(app, conn, 'report'), { lang, format, from: q.from, to: q.to });
      return reply.send(bytes);
    } finally {
      conn.close();
    }
  };
  const schema = (summary: string) => ({ summary, tags: ['report'], querystring: QUERY, produces: Object.values(CONTENT_TYPES) });
  server.get('/report', { config: { permission: 'report:read' }, schema: schema('The insight & optimisation report (HTML, PDF or Markdown; zh or en); without from/to, the kept copy of the default period') }, handler);
  server.get('/', { config: { permission: 'report:read' }, schema: { ...schema('Home page: the report, until the console exists'), hide: true } }, handler);

  server.get('/api/v1/reports', {
    config: { permission: 'report:read' },
    schema: {
      summary: 'Reports kept as history, one per month',
      tags: ['report'],
      response: { 200: { type: 'object', properties: { reports: { type: 'array', items: { type: 'object', additionalProperties: true } } } } },
    },
  }, async () => ({ reports: await listReportHistory(app) }));

  server.get('/reports/:month/:file', {
    config: { permission: 'report:read' },
    schema: {
      summary: 'One file of a report kept as history',
      tags: ['report'],
      params: { type: 'object', properties: { month: { type: 'string', pattern: '^\\d{4}-\\d{2}$' }, file: { type: 'string', pattern: '^report-[a-z]{2}\\.(html|pdf|md)$' } }, required: ['month', 'file'] },
    },
  }, async (req, reply) => {
    const { month, file } = req.params as { month: string; file: string };
    const { bytes, format } = readHistoryFile(app, month, file);
    reply.type(CONTENT_TYPES[format]);
    return reply.send(bytes);
  });

  const stop = keeper.start();
  server.addHook('onClose', async () => {
    stop();
    await keeper.idle();
  });
}
