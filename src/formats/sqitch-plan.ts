/**
 * Reads a Sqitch plan (`sqitch.plan`) the way App::Sqitch::Plan does (v1.3): pragmas
 * (`%project=…`), changes (`name [deps] timestamp planner <email> # note`, optionally prefixed by
 * `+`/`-`), tags (`@name …`), blank lines and `#` comments. A change that appears again after a
 * tag is *reworked*: the earlier instance's scripts live at `deploy/<name>@<tag>.sql`, where the
 * tag is the first of its rework tags whose file exists (Plan::Change::path_segments). Required
 * changes must come earlier in the plan (Plan::check_changes); dependencies on other projects or
 * on change ids are not checked, as Sqitch does not check them either. Pure.
 */
import { ConfigError } from '../errors.js';

export interface PlannedChange {
  name: string;
  /** 1-based line in the plan. */
  line: number;
  requires: string[];
  /** Tags between this instance and its rework, newest first, then its own (rework_tags). */
  reworkTags: string[];
  /** Tags declared right after this change. */
  tags: string[];
  /** How many earlier instances of this name the plan has (0 for the first). */
  instance: number;
}

export interface SqitchPlan {
  project: string;
  changes: PlannedChange[];
}

const CHANGE = /^\s*(?:[+-]\s*)?([^\s:@#\\[\]]+)\s*(?:\[([^\]]*)\])?\s*(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)?\s*(.*)$/;
const TAG = /^\s*@([^\s:@#\\]+)\s+(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)?/;

/** Parses the plan; ConfigError naming the plan file and line on what Sqitch would reject. */
export function parseSqitchPlan(text: string, file: string): SqitchPlan {
  const changes: PlannedChange[] = [];
  const latest = new Map<string, PlannedChange>();
  let project = '';
  const fail = (line: number, why: string): never => {
    throw new ConfigError(`${file}:${line}: ${why}`);
  };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const pragma = /^\s*%\s*([\w-]+)\s*=\s*(.*?)\s*$/.exec(raw);
    if (pragma) {
      if (pragma[1] === 'project') project = pragma[2]!;
      return;
    }
    const content = raw.replace(/\s*#.*$/, '');
    if (content.trim() === '') return;
    const tag = TAG.exec(content);
    if (tag) {
      const prev = changes[changes.length - 1];
      if (!prev) fail(line, `tag @${tag[1]} declared without a preceding change`);
      prev!.tags.push(tag[1]!);
      return;
    }
    const m = CHANGE.exec(content);
    if (!m || !m[3]) fail(line, `cannot read this line as a change ('name [deps] timestamp planner <email>')`);
    const name = m![1]!;
    const requires = (m![2] ?? '').split(/\s+/).filter((d) => d && !d.startsWith('!'));
    const change: PlannedChange = { name, line, requires, reworkTags: [], tags: [], instance: 0 };
    const earlier = latest.get(name);
    if (earlier) {
      // Rework: the earlier instance takes the tags declared since it (newest first) and its own.
      const from = changes.indexOf(earlier);
      const since = changes.slice(from + 1).reverse().flatMap((c) => c.tags);
      if (since.length === 0 && earlier.tags.length === 0) fail(line, `change "${name}" is declared again without an intervening tag (rework it after a tag)`);
      earlier.reworkTags.push(...since, ...earlier.tags);
      change.instance = earlier.instance + 1;
    }
    for (const dep of change.requires) checkRequired(dep, change, changes, project, line, fail);
    changes.push(change);
    latest.set(name, change);
  });
  if (!project) throw new ConfigError(`${file}: missing %project pragma`);
  return { project, changes };
}

function checkRequired(dep: string, change: PlannedChange, earlier: PlannedChange[], project: string, line: number, fail: (line: number, why: string) => never): void {
  let key = dep;
  const colon = dep.indexOf(':');
  if (colon >= 0) {
    if (dep.slice(0, colon) !== project) return; // another project's change
    key = dep.slice(colon + 1);
  } else if (/^[0-9a-f]{40}$/.test(dep)) {
    return; // a change id
  }
  const [name, tag] = key.split('@', 2) as [string, string | undefined];
  if (name === change.name && !tag) fail(line, `change "${change.name}" cannot require itself`);
  const found = tag
    ? earlier.some((c, i) => c.name === name && earlier.slice(i).some((t) => t.tags.includes(tag)))
    : earlier.some((c) => c.name === name);
  if (!found) fail(line, `change "${change.name}" requires "${dep}", which is not planned before it`);
}

/** The script path of a change under `dir` (deploy/revert/verify), honouring rework names. */
export function changeScriptPath(change: PlannedChange, dir: string, extension: string, exists: (path: string) => boolean): string {
  if (change.reworkTags.length === 0) return `${dir}/${change.name}.${extension}`;
  const candidates = change.reworkTags.map((t) => `${dir}/${change.name}@${t}.${extension}`);
  return candidates.find(exists) ?? candidates[0]!;
}
