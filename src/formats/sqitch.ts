/**
 * Sqitch: the change order comes from `sqitch.plan`; each change's `deploy/`, `revert/` and
 * `verify/` scripts run the way Sqitch's pg engine runs them (App::Sqitch::Engine::pg): through
 * psql with `--no-psqlrc --quiet --no-align --tuples-only --set ON_ERROR_STOP=1 --set
 * registry=sqitch --file <script>` and PGCLIENTENCODING=UTF8, so psql meta-commands work and each
 * script's own BEGIN/COMMIT decides the transaction. The connection comes from the libpq
 * variables the runner sets. A verify script, when the change has one, runs right after the
 * deploy in the same step (`--file deploy --file verify`), so a failing verify fails the up and
 * is named. Sqitch's registry is not used: the scripts are what the database sees.
 *
 * Ids: the change name; a reworked change's later instances get `name#2`, `name#3` (stable when
 * tags are added, unlike Sqitch's `name@tag`). New changes are those whose id the base plan lacks.
 */
import { posix } from 'node:path';
import { ConfigError } from '../errors.js';
import { isEffectivelyEmpty } from '../sql/split.js';
import { iniSection } from './alembic-layout.js';
import { collectMarkers, displayPath } from './common.js';
import { changeScriptPath, parseSqitchPlan, type PlannedChange } from './sqitch-plan.js';
import type { CommandScript, Migration, MigrationFormat, SourceFile } from './types.js';

interface SqitchLayout {
  plan: string;
  deploy: string;
  revert: string;
  verify: string;
  extension: string;
}

/** Directories from sqitch.conf ([core], then [engine "pg"]), relative to the migrations directory. */
function sqitchLayout(files: readonly SourceFile[]): SqitchLayout {
  const conf = files.find((f) => f.path === 'sqitch.conf')?.content ?? '';
  const core = iniSection(conf, 'core', true);
  const engine = iniSection(conf, 'engine "pg"', true);
  const get = (key: string) => engine.get(key) ?? core.get(key);
  const top = posix.normalize(get('top_dir') ?? '.');
  const under = (key: string, dflt: string) => posix.normalize(get(key) ?? posix.join(top, dflt));
  return {
    plan: under('plan_file', 'sqitch.plan'),
    deploy: under('deploy_dir', 'deploy'),
    revert: under('revert_dir', 'revert'),
    verify: under('verify_dir', 'verify'),
    extension: get('extension') ?? 'sql',
  };
}

function psqlStep(displayDir: string, cwd: string, scripts: string[], content: string, extra: string[]): CommandScript {
  return {
    kind: 'command',
    file: displayPath(displayDir, scripts[0]!),
    line: 1,
    argv: ['psql', '--no-psqlrc', '--quiet', '--no-align', '--tuples-only', '--set', 'ON_ERROR_STOP=1', '--set', 'registry=sqitch', ...scripts.flatMap((s) => ['--file', s])],
    cwd,
    env: { PGCLIENTENCODING: 'UTF8' },
    source: content,
    ...(extra.length ? { extraFiles: extra.map((e) => displayPath(displayDir, e)) } : {}),
  };
}

/** How to give the run what another Sqitch project deploys: this run deploys only this plan. */
function otherProjectHint(needs: string[]): string {
  const projects = [...new Set(needs.map((d) => d.slice(0, d.indexOf(':'))))];
  return `it requires ${needs.join(', ')} from the Sqitch project${projects.length > 1 ? 's' : ''} ${projects.join(', ')}, which this run does not deploy: load what ${projects.length > 1 ? 'they create' : 'it creates'} with --seed-file (SQL run after the baseline, e.g. ${projects.length > 1 ? 'their' : 'its'} deploy scripts in plan order)`;
}

function changeId(c: PlannedChange): string {
  return c.instance === 0 ? c.name : `${c.name}#${c.instance + 1}`;
}

export const sqitch: MigrationFormat = {
  name: 'sqitch',
  detect(files) {
    return files.some((f) => f.path === sqitchLayout(files).plan);
  },
  parse(files, displayDir, context) {
    const layout = sqitchLayout(files);
    const byPath = new Map(files.map((f) => [f.path, f]));
    const planFile = byPath.get(layout.plan);
    if (!planFile) throw new ConfigError(`${displayPath(displayDir, layout.plan)} not found (Sqitch's plan)`);
    const plan = parseSqitchPlan(planFile.content, displayPath(displayDir, layout.plan));
    const cwd = context?.absDir ?? displayDir;
    const exists = (p: string) => byPath.has(p);
    return plan.changes.map((c): Migration => {
      // The rework suffix is chosen by the deploy script, then used for revert and verify too.
      const deploy = changeScriptPath(c, layout.deploy, layout.extension, exists);
      const suffix = posix.basename(deploy).slice(posix.basename(c.name).length, -(layout.extension.length + 1));
      const path = (dir: string) => posix.join(dir, `${c.name}${suffix}.${layout.extension}`);
      const revert = path(layout.revert);
      const verify = path(layout.verify);
      const deployFile = byPath.get(deploy);
      if (!deployFile) throw new ConfigError(`${displayPath(displayDir, deploy)} not found: ${displayPath(displayDir, layout.plan)}:${c.line} plans change "${c.name}"`);
      const verifyFile = byPath.get(verify);
      const revertFile = byPath.get(revert);
      // Sqitch's template revert is BEGIN; a comment; COMMIT; — it undoes nothing, which is right
      // only when the deploy changed no schema: run it and judge it by what it leaves.
      const revertEmpty = revertFile !== undefined && isEffectivelyEmpty(revertFile.content.replace(/^\s*(?:BEGIN|COMMIT|START TRANSACTION|END)\s*;\s*$/gim, ''));
      const upScripts = verifyFile ? [deploy, verify] : [deploy];
      const present = [deployFile, ...(revertFile ? [revertFile] : [])];
      const needs = c.requires.filter((d) => d.includes(':') && d.slice(0, d.indexOf(':')) !== plan.project);
      return {
        id: changeId(c),
        // The change name is the id already: no second copy to show.
        name: '',
        up: psqlStep(displayDir, cwd, upScripts, deployFile.content + (verifyFile?.content ?? ''), verifyFile ? [verify] : []),
        ...(revertFile ? { down: { ...psqlStep(displayDir, cwd, [revert], revertFile.content, []), ...(revertEmpty ? { empty: true } : {}) } } : {}),
        downPath: displayPath(displayDir, revert),
        ...(needs.length ? { external: { needs, provide: otherProjectHint(needs) } } : {}),
        files: [deploy, ...(revertFile ? [revert] : []), ...(verifyFile ? [verify] : [])],
        markers: collectMarkers(present, displayDir),
      };
    });
  },
};
