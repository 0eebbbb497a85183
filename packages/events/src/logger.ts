/** A logger with pino's call shape: structured fields first, then a constant message. */
export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  child?(bindings: Record<string, unknown>): Logger;
}

const noop = (): void => {};

/** The default logger: writes nothing, so the SDK never prints unless given a logger. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** Returns a child logger with the component's name bound, or the logger itself when it has no `child`. */
export function childLogger(logger: Logger, component: string): Logger {
  return logger.child ? logger.child({ component }) : logger;
}
