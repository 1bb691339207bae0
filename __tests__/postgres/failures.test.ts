import { isConnectionLoss, isMissingExtension, textSaysConnectionLost } from '../../src/postgres/failures.js';

describe('recognising PostgreSQL failures', () => {
  test('a session or server gone, by SQLSTATE or by what the client says', () => {
    expect(isConnectionLoss({ code: '57P01', message: 'terminating connection due to administrator command' })).toBe(true);
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLoss(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(textSaysConnectionLost('psql: error: server closed the connection unexpectedly')).toBe(true);
  });

  test('near misses: ordinary SQL errors are not a lost connection', () => {
    expect(isConnectionLoss({ code: '42P01', message: 'relation "x" does not exist' })).toBe(false);
    expect(isConnectionLoss({ code: '57014', message: 'canceling statement due to statement timeout' })).toBe(false);
    expect(textSaysConnectionLost('ERROR: duplicate key value violates unique constraint')).toBe(false);
  });

  test('a missing extension, from pg errors and from tool output', () => {
    expect(isMissingExtension('extension "vector" is not available', '0A000')).toBe(true);
    expect(isMissingExtension('could not open extension control file "/x/postgis.control"', '58P01')).toBe(true);
    expect(isMissingExtension('sqlalchemy ... extension "vector" is not available')).toBe(true);
    // Same words under another SQLSTATE (e.g. raised by user code) are the migration's own error.
    expect(isMissingExtension('extension "vector" is not available', 'P0001')).toBe(false);
  });
});
