/** The JSON report: the result value itself (contract version 1), stable key order, trailing newline. */
import type { VerifyResult } from '../result/types.js';

export function renderJsonReport(result: VerifyResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}
