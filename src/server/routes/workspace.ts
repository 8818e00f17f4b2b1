import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { requestApp } from '../auth/scope.ts';
import { setWorkspaceDisplayName, workspaceSettings } from '../../report/workspace.ts';

const settings = {
  type: 'object',
  properties: { id: { type: 'integer' }, name: { type: 'string' }, display_name: { type: ['string', 'null'] }, timezone: { type: 'string' } },
} as const;

/**
 * The workspace's settings (工作区设置): GET /api/v1/workspace, and PATCH it to set the display name the report
 * prints on its cover and header (`{"display_name": "山岚茶事"}`; the same as `siyu workspace set --name`).
 */
export async function workspaceRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.get('/api/v1/workspace', {
    config: { permission: 'settings:read' },
    schema: { summary: 'The workspace: its name, display name and time zone', tags: ['workspace'], response: { 200: settings } },
  }, async () => workspaceSettings(app));

  server.patch('/api/v1/workspace', {
    config: { permission: 'settings:write' },
    schema: {
      summary: 'Set the workspace\'s display name (the brand name on the report)',
      tags: ['workspace'],
      body: { type: 'object', required: ['display_name'], additionalProperties: false, properties: { display_name: { type: 'string', maxLength: 200 } } },
      response: { 200: settings },
    },
  }, async (req) => setWorkspaceDisplayName(requestApp(req, app), (req.body as { display_name: string }).display_name));
}
