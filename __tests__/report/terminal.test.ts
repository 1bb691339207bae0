/**
 * The terminal report (src/report/terminal.ts), pure: a stopped 30-migration run fits a screen
 * (the verdict last, plain not-run rows folded into one line, rows with a problem kept), and
 * counts read as English everywhere the project prints them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { renderTerminalReport } from '../../src/report/terminal.js';
import type { VerifyResult } from '../../src/result/types.js';

const load = (name: string): VerifyResult => JSON.parse(readFileSync(join(process.cwd(), '__fixtures__', 'reports', `${name}.json`), 'utf8')) as VerifyResult;

describe('a stopped 30-migration run in the terminal', () => {
  const result = load('many');
  const lines = renderTerminalReport(result, { color: false }).trimEnd().split('\n');
  const rows = lines.slice(1, lines.indexOf(''));

  test('runs of plain not-run rows are one line each; rows that failed or carry a problem stay their own; the verdict is last', () => {
    expect(result.migrations).toHaveLength(30);
    expect(rows.map((r) => r.split(/\s{2,}/)[0])).toEqual([
      '000013', '000014', '000015', '000016', '000017', '000018 … 000024', '000025', '000026 … 000032', '000033', '000034 … 000042',
    ]);
    expect(rows[5]).toMatch(/^000018 … 000024 +7 migrations +– +– +– +not run$/);
    expect(rows[6]).toMatch(/^000025 .*failed: no down · not run$/);
    expect(lines[lines.length - 1]).toMatch(/^FAIL: 4 of 30 new migrations verified up → down → up, 1 failed, 25 not run \(stopped at 000017: /);
    expect(lines.length).toBeLessThan(60);
  });

  test('near miss: two plain not-run rows in a row are not folded', () => {
    const short = { ...result, migrations: result.migrations.slice(0, 7) };
    const out = renderTerminalReport(short, { color: false }).split('\n');
    expect(out.filter((l) => /^00001[89] /.test(l))).toHaveLength(2);
    expect(out.join('\n')).not.toContain(' … ');
  });
});

describe('plural forms', () => {
  test("no message in src prints a count followed by 'word(s)'", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(join(process.cwd(), 'src'));
    const found = files.flatMap((f) =>
      readFileSync(f, 'utf8').split('\n').flatMap((line, i) => (/\$\{[^}]+\} [a-z]+\((?:s|es)\)/.test(line) ? [`${f}:${i + 1}`] : [])),
    );
    expect(found).toEqual([]);
    expect(files.length).toBeGreaterThan(50);
  });
});
