/**
 * What every route declares about access, read by the global auth hook (src/server/auth/hook.ts):
 * `config: { permission: '<area>:<read|write|admin>' }`, or `config: { public: true }` for /healthz and the
 * collection endpoints (which check their own write keys). A route with neither is denied to everyone.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: string;
    public?: boolean;
    /** The response deliberately carries decrypted personal information (unmask, data-subject copy); audited by the route. */
    rawPii?: boolean;
  }
}

export {};
