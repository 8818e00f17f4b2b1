import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import type { ServerOptions } from '../app.ts';
import { healthRoutes } from './health.ts';
import { cliRoutes } from './cli.ts';
import { reportRoutes } from './report.ts';
import { insightRoutes } from './insight.ts';
import { lintRoutes } from './lint.ts';
import { auditRoutes } from './audit.ts';
import { collectRoutes } from './collect.ts';
import { modelRoutes } from './models.ts';
import { consentRoutes } from './consent.ts';
import { dsrRoutes } from './dsr.ts';
import { importRoutes } from './imports.ts';
import { qualityRoutes } from './quality.ts';
import { authRoutes } from './auth.ts';
import { unmaskRoutes } from './unmask.ts';
import { loginRoutes } from './login.ts';
import { installDurableWrites } from '../durable.ts';
import { workspaceRoutes } from './workspace.ts';
import { customerRoutes } from './customers.ts';

/** Every route group, registered explicitly (no magic discovery). */
export async function registerRoutes(server: FastifyInstance, app: App, opts: ServerOptions): Promise<void> {
  installDurableWrites(server, app);
  await healthRoutes(server, app);
  await cliRoutes(server, app, opts.cliToken);
  await reportRoutes(server, app);
  await insightRoutes(server, app);
  await customerRoutes(server, app);
  await lintRoutes(server);
  await auditRoutes(server, app);
  await collectRoutes(server, app);
  await modelRoutes(server, app);
  await consentRoutes(server, app);
  await dsrRoutes(server, app);
  await importRoutes(server, app);
  await qualityRoutes(server, app);
  await authRoutes(server, app);
  await unmaskRoutes(server, app);
  await loginRoutes(server);
  await workspaceRoutes(server, app);
}
