import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../src/errors.js';
import { findMarkers } from '../../src/sql/markers.js';
import { thrown } from '../formats/files.js';

describe('findMarkers', () => {
  it('finds both markers with their file lines', () => {
    const text = 'SELECT 1;\n-- rollback-verify: irreversible\n--rollback-verify:down-loses-data\n';
    expect(findMarkers(text, 'a.sql')).toEqual([
      { marker: 'irreversible', line: 2 },
      { marker: 'down-loses-data', line: 3 },
    ]);
  });

  it('offsets lines and accepts a marker after SQL on the same line', () => {
    expect(findMarkers('\nDROP TABLE t; -- rollback-verify: down-loses-data', 'a.sql', 5)).toEqual([
      { marker: 'down-loses-data', line: 6 },
    ]);
  });

  it('ignores marker text inside strings and block comments', () => {
    expect(findMarkers("SELECT '-- rollback-verify: irreversible';\n/* -- rollback-verify: nope */", 'a.sql')).toEqual([]);
  });

  it('rejects an unknown marker, naming file and line', () => {
    const err = thrown(() => findMarkers('\n-- rollback-verify: irreversable', 'db/1.sql'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('db/1.sql:2');
    expect(err.message).toContain('irreversable');
  });
});
