/**
 * The slice of @actions/core the action uses, as an interface: main.ts passes the real module,
 * unit tests pass typed jest.fn stand-ins (__fixtures__/core.ts).
 */
import type { AnnotationProperties } from '@actions/core';
import type { Logger } from '../logger.js';

export interface ActionsCore {
  info(message: string): void;
  debug(message: string): void;
  warning(message: string, properties?: AnnotationProperties): void;
  error(message: string, properties?: AnnotationProperties): void;
  setOutput(name: string, value: string): void;
  setSecret(secret: string): void;
  setFailed(message: string): void;
}

/** The engine's Logger over @actions/core: info and debug lines, warnings as annotations. */
export function coreLogger(core: ActionsCore): Logger {
  return {
    info: (m) => core.info(m),
    warning: (m) => core.warning(m),
    debug: (m) => core.debug(m),
  };
}
