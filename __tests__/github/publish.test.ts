import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withoutTimings } from '../../src/github/publish.js';
import type { VerifyResult } from '../../src/result/types.js';

const fixture = (): VerifyResult => JSON.parse(readFileSync(join(process.cwd(), '__fixtures__/reports/fail.json'), 'utf8'));

describe('withoutTimings (what decides whether the sticky comment changed)', () => {
  test('runs that differ only in measured times compare equal, lock traces included', () => {
    const a = fixture();
    const b = fixture();
    b.totalMs += 1234;
    const phase = b.migrations[0]!.phases.up!;
    phase.ms += 7;
    (phase as unknown as { locks: unknown }).locks = { statements: [{ ms: 3, locks: [{ heldMs: 99 }] }], lockTimeoutMs: 5000 };
    (a.migrations[0]!.phases.up as unknown as { locks: unknown }).locks = { statements: [{ ms: 1, locks: [{ heldMs: 2 }] }], lockTimeoutMs: 5000 };
    expect(JSON.stringify(withoutTimings(a))).toBe(JSON.stringify(withoutTimings(b)));
  });

  test('near miss: a setting such as lock_timeout or any non-timing change still differs', () => {
    const a = fixture();
    const b = fixture();
    (a.migrations[0]!.phases.up as unknown as { locks: unknown }).locks = { lockTimeoutMs: 5000 };
    (b.migrations[0]!.phases.up as unknown as { locks: unknown }).locks = { lockTimeoutMs: 0 };
    expect(JSON.stringify(withoutTimings(a))).not.toBe(JSON.stringify(withoutTimings(b)));
    const limits = fixture();
    limits.limits = { maxUpSeconds: 30, maxDownSeconds: 30, maxLockMs: 500 };
    const otherLimits = fixture();
    otherLimits.limits = { maxUpSeconds: 30, maxDownSeconds: 30, maxLockMs: 2000 };
    expect(JSON.stringify(withoutTimings(limits))).not.toBe(JSON.stringify(withoutTimings(otherLimits)));
    const c = fixture();
    c.problems = c.problems.slice(1);
    expect(JSON.stringify(withoutTimings(fixture()))).not.toBe(JSON.stringify(withoutTimings(c)));
  });
});
