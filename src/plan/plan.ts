/**
 * The plan: which migrations are the baseline and which are new, in the order the tool runs them,
 * plus the problems visible from the files alone (an edited merged migration, a new migration that
 * sorts before the baseline).
 */
import { migrationLabel } from '../result/migration-label.js';
import { ConfigError } from '../errors.js';
import { detectFormat, getFormat } from '../formats/index.js';
import type { FormatName, Migration, MigrationFormat, ParseContext, Script, SourceFile } from '../formats/types.js';
import type { Problem } from '../result/types.js';
import { expandToolSettings } from '../tools/list-command.js';
import type { BaseCommit } from '../options/types.js';
import { readFilesAtCommit, type GitRunner } from './git.js';
import { readWorkTreeFiles, requireReadable, resolveDir } from './read-files.js';

export interface Plan {
  format: MigrationFormat;
  /** Migrations that build the starting schema (at the base ref, when there is one). */
  baseline: Migration[];
  /** Migrations to verify, in tool order. */
  fresh: Migration[];
  problems: Problem[];
  base?: BaseCommit;
}

export interface PlanRequest {
  cwd: string;
  migrationsDir: string;
  format: FormatName | 'auto';
  /** The base commit, resolved by the front end (plan/git.ts). */
  base?: BaseCommit;
  from?: string;
  tool?: Record<string, string>;
}

/** Builds the plan from the work tree (head) and, with a base ref, git. */
export async function buildPlan(req: PlanRequest, git?: GitRunner): Promise<Plan> {
  const absDir = resolveDir(req.cwd, req.migrationsDir);
  const display = req.migrationsDir.replace(/\/+$/, '') || '.';
  const headFiles = readWorkTreeFiles(absDir, display);
  const format = req.format === 'auto' ? detectFormat(headFiles, display) : getFormat(req.format);
  const cwd = resolveDir(req.cwd, '.');
  const context: ParseContext = { absDir, cwd, tool: await expandToolSettings(req.tool ?? {}, cwd) };
  const head = format.parse(headFiles, display, context);
  if (head.length === 0) throw new ConfigError(`no ${format.name} migrations found in '${display}'`);
  requireReadable(headFiles, head.flatMap((m) => m.files));

  if (req.base) {
    if (req.from) throw new ConfigError('--from and --base cannot be used together: --base decides which migrations are new');
    const baseFiles = await readFilesAtCommit(cwd, req.base.sha, absDir, display, git);
    const baseline = baseFiles ? parseAtBase(format, baseFiles, display, req.base.sha, context) : [];
    const split = splitByBase(head, baseline, !format.planProblems);
    split.problems.push(...(format.planProblems?.(head, baseline) ?? []));
    // A tool's command runs the files on disk, i.e. the head's: a baseline migration the head
    // still has runs as the head lays it out (a reworked Sqitch change's original script lives
    // at deploy/<name>@<tag>.sql there). Edits to it are reported as modified-migration above.
    split.baseline = split.baseline.map((m) => (m.up.kind === 'command' ? (head.find((h) => h.id === m.id) ?? m) : m));
    return withBaselineSteps({ format, ...split, base: req.base });
  }
  if (req.from) {
    const at = head.findIndex((m) => m.id === req.from);
    if (at < 0) {
      throw new ConfigError(`--from ${req.from} matches no migration in '${display}' (first is ${head[0]!.id}, last is ${head[head.length - 1]!.id})`);
    }
    const baseline = head.slice(0, at);
    return withBaselineSteps({ format, baseline, fresh: head.slice(at), problems: format.planProblems?.(head, baseline) ?? [] });
  }
  return withBaselineSteps({ format, baseline: [], fresh: head, problems: format.planProblems?.(head, []) ?? [] });
}

/** The format's own steps that must precede the new migrations (MigrationFormat.baselineSteps). */
function withBaselineSteps(plan: Plan): Plan {
  const steps = plan.fresh.length ? (plan.format.baselineSteps?.(plan.fresh) ?? []) : [];
  return steps.length ? { ...plan, baseline: [...plan.baseline, ...steps] } : plan;
}

function parseAtBase(format: MigrationFormat, files: SourceFile[], display: string, sha: string, context: ParseContext): Migration[] {
  try {
    const migrations = format.parse(files, display, context);
    requireReadable(files, migrations.flatMap((m) => m.files));
    return migrations;
  } catch (err) {
    if (err instanceof ConfigError) {
      throw new ConfigError(`at the base commit ${sha.slice(0, 7)}: ${err.message}`);
    }
    throw err;
  }
}

/**
 * New = head migrations whose id the base does not have. The baseline is the base's own files:
 * that is what production databases ran, even if the PR edited them (which is a problem itself).
 */
export function splitByBase(head: Migration[], baseline: Migration[], checkOrder = true): Pick<Plan, 'baseline' | 'fresh' | 'problems'> {
  const baseIds = new Map(baseline.map((m) => [m.id, m]));
  const problems: Problem[] = [];
  const fresh = head.filter((m) => !baseIds.has(m.id));
  for (const m of head) {
    const old = baseIds.get(m.id);
    if (!old) continue;
    for (const dir of ['up', 'down'] as const) {
      if (scriptText(old[dir]) !== scriptText(m[dir])) {
        const file = (m[dir] ?? old[dir])!.file;
        problems.push({
          kind: 'modified-migration',
          severity: 'error',
          migration: m.id,
          file,
          line: 1,
          message: `${dir} of ${migrationLabel(m)} was changed after it was merged; databases that already ran it never see the change — add a new migration instead`,
        });
      }
    }
  }
  // Head order is the tool's order: a new migration with a baseline one after it sorts before the
  // newest applied version, which golang-migrate/goose/Flyway skip or refuse in production.
  const newestBaseIdx = head.reduce((acc, m, i) => (baseIds.has(m.id) ? i : acc), -1);
  head.forEach((m, i) => {
    if (checkOrder && i < newestBaseIdx && !baseIds.has(m.id)) {
      const newest = head[newestBaseIdx]!;
      problems.push({
        kind: 'order',
        severity: 'error',
        migration: m.id,
        file: m.up.file,
        line: 1,
        message: `${m.id} sorts before ${newest.id}, which is already merged; the tool would skip or refuse it on databases at ${newest.id} — renumber it after ${newest.id}`,
      });
    }
  });
  for (const m of baseline) {
    if (!head.some((h) => h.id === m.id)) {
      problems.push({
        kind: 'modified-migration',
        severity: 'error',
        migration: m.id,
        file: m.up.file,
        message: `${migrationLabel(m)} exists on the base branch but was deleted; databases that ran it keep its changes — revert it with a new migration instead`,
      });
    }
  }
  return { baseline, fresh, problems };
}

function scriptText(script: Script | undefined): string | undefined {
  if (!script) return undefined;
  return script.kind === 'sql' ? script.text : (script.source ?? script.argv.join(' '));
}
