/** A trial copy's name carries its creation time where the scratch sweep reads it. */
import { describe, expect, it } from '@jest/globals';
import { createdFromName, SCRATCH_PREFIX, staleReason } from '../../src/postgres/scratch.js';
import { trialCopyName } from '../../src/predict/trial.js';

describe('trialCopyName', () => {
  it('is read by the sweep as created now: another run on the same server leaves a live copy alone', () => {
    const now = Date.UTC(2026, 11, 1, 17, 0, 0);
    const name = trialCopyName('grow', now, 4242);
    expect(name).toMatch(new RegExp(`^${SCRATCH_PREFIX}[0-9a-z]+_4242_trial_grow_[0-9a-f]{6}$`));
    expect(createdFromName(name)).toBe(now);
    const probes = { self: { pid: 1, host: 'h', scope: 's', started: 'x' }, now: now + 60_000, isAlive: () => true, startOf: () => undefined };
    expect(staleReason(name, undefined, probes)).toBeUndefined();
  });
});
