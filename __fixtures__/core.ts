/** Typed jest.fn stand-ins for the slice of @actions/core the action uses (ActionsCore). */
import { jest } from '@jest/globals';
import type { ActionsCore } from '../src/github/actions-core.js';

export type FakeCore = { [K in keyof ActionsCore]: jest.Mock<ActionsCore[K]> };

export function fakeCore(): FakeCore {
  return {
    info: jest.fn<ActionsCore['info']>(),
    debug: jest.fn<ActionsCore['debug']>(),
    warning: jest.fn<ActionsCore['warning']>(),
    error: jest.fn<ActionsCore['error']>(),
    setOutput: jest.fn<ActionsCore['setOutput']>(),
    setSecret: jest.fn<ActionsCore['setSecret']>(),
    setFailed: jest.fn<ActionsCore['setFailed']>(),
  };
}
