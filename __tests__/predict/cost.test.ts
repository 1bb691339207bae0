/** What a traced statement's cost grows with, read from what the tracer saw it do. */
import { describe, expect, it } from '@jest/globals';
import { classifyCost } from '../../src/predict/cost.js';
import { addNullableColumn, indexBuild, lock, rewrite, setNotNull, setTimeout_, statement } from './traces.js';

describe('classifyCost', () => {
  it('a rewrite scales with the rewritten tables, not their indexes', () => {
    expect(classifyCost(rewrite())).toEqual({ cost: 'rewrite', tables: ['public.events'] });
  });

  it('a table locked by an earlier statement is still known as a table when it is listed', () => {
    const afterLock = statement({ tag: 'ALTER TABLE', rewrites: ['public.events', 'public.events_pkey'] });
    // Unlisted, it cannot be told from an index by name: no table to scale with (and no size to scale to).
    expect(classifyCost(afterLock)).toEqual({ cost: 'metadata', tables: [] });
    expect(classifyCost(afterLock, new Set(['public.events']))).toEqual({ cost: 'rewrite', tables: ['public.events'] });
  });

  it('an index build scales with its table; a rebuild of indexes alone (REINDEX) is one too', () => {
    expect(classifyCost(indexBuild())).toEqual({ cost: 'index-build', tables: ['public.events'] });
    const reindex = statement({ tag: 'REINDEX', locks: [lock('public.events', 'SHARE'), lock('public.events_pkey', 'ACCESS EXCLUSIVE', 0, 'index')], rewrites: ['public.events_pkey'] });
    expect(classifyCost(reindex)).toEqual({ cost: 'index-build', tables: ['public.events'] });
  });

  it('a validation scans the validated tables', () => {
    expect(classifyCost(setNotNull())).toEqual({ cost: 'validate', tables: ['public.events'] });
    const fk = statement({ tag: 'ALTER TABLE', locks: [lock('public.events', 'SHARE ROW EXCLUSIVE'), lock('public.users', 'SHARE ROW EXCLUSIVE')], validations: ['public.users', 'public.events'] });
    expect(classifyCost(fk)).toEqual({ cost: 'validate', tables: ['public.events', 'public.users'] });
  });

  it('row work (UPDATE, INSERT … SELECT, a tool script) scales with the tables it locked', () => {
    const update = statement({ tag: 'UPDATE', locks: [lock('public.events', 'ROW EXCLUSIVE')] });
    expect(classifyCost(update)).toEqual({ cost: 'scan', tables: ['public.events'] });
    const copy = statement({ tag: 'INSERT', locks: [lock('public.archive', 'ROW EXCLUSIVE'), lock('public.events', 'ACCESS SHARE'), lock('public.events_pkey', 'ACCESS SHARE', 0, 'index')] });
    expect(classifyCost(copy)).toEqual({ cost: 'scan', tables: ['public.archive', 'public.events'] });
    const script = statement({ tag: 'SCRIPT', sampled: true, locks: [lock('public.events', 'ROW EXCLUSIVE')] });
    expect(classifyCost(script).cost).toBe('scan');
  });

  it('catalog-only statements are metadata, however strong their lock', () => {
    expect(classifyCost(addNullableColumn())).toEqual({ cost: 'metadata', tables: [] });
    expect(classifyCost(setTimeout_())).toEqual({ cost: 'metadata', tables: [] });
    expect(classifyCost(statement({ tag: 'LOCK', locks: [lock('public.events', 'ACCESS EXCLUSIVE')] }))).toEqual({ cost: 'metadata', tables: [] });
    // An UPDATE that locked no table (of a table it created itself) has nothing to scale with.
    expect(classifyCost(statement({ tag: 'UPDATE' })).cost).toBe('metadata');
  });
});
