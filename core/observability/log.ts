import pino from 'pino'

/**
 * The structured JSON log of the app and the worker: one object a line on stdout. Info and above
 * by default; C18N_LOG_LEVEL=debug adds a line per HTTP request and per consumer batch, with their
 * request ids, which is how one follows a request from its route through the bus.
 */
export const log = pino({
  level: process.env.C18N_LOG_LEVEL ?? 'info',
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
})
