/**
 * Verified fixes as one-click changes (issue 13): for each suggestion whose down file is part of
 * the pull request's diff, a review comment on the file's last line holding a GitHub ```suggestion
 * block (the last line followed by the SQL), so "Commit suggestion" appends the fix. Sticky like
 * the main comment: a hidden marker per directory and migration, with a digest of the SQL; the
 * same suggestion on the next run leaves the comment alone, a changed one replaces it, and one
 * whose problem is gone is deleted. Never throws: a 403 is one warning (the caller's), anything
 * else a warning too; the verdict never depends on it.
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Suggestion } from '../result/types.js';
import { digestOf } from './marker.js';
import type { GitHubClient } from './octokit.js';

const PREFIX = '<!-- rollback-verify:fix dir=';

/** The hidden marker of one suggestion's review comment. */
export function fixMarker(key: string, migration: string, digest: string): string {
  return `${PREFIX}${encodeURIComponent(key)} migration=${encodeURIComponent(migration)} digest=${digest} -->`;
}

function parseMarker(body: string | undefined): { key: string; migration: string; digest: string } | undefined {
  const m = /^<!-- rollback-verify:fix dir=(\S+) migration=(\S+) digest=([0-9a-f]+) -->/.exec(body ?? '');
  return m ? { key: decodeURIComponent(m[1]!), migration: decodeURIComponent(m[2]!), digest: m[3]! } : undefined;
}

export interface ReviewRequest {
  owner: string;
  repo: string;
  pullNumber: number;
  headSha: string;
  /** markerKey(): the migrations directory from the repository root. */
  key: string;
  /** The working directory from the repository root ('.' for the root). */
  workingDirectory: string;
  /** Absolute working directory, where the suggestions' files are read (the checkout at the head). */
  cwd: string;
  suggestions: readonly Suggestion[];
}

export type ReviewOutcome =
  | { action: 'done'; created: number; replaced: number; unchanged: number; deleted: number; notInDiff: string[] }
  | { action: 'forbidden'; detail: string }
  | { action: 'failed'; detail: string };

interface ReviewComment {
  id: number;
  body?: string;
  path: string;
  user: { login: string; type?: string } | null;
}

/** The comment body: marker, a sentence, the suggestion block (the last line kept, the SQL after it). */
export function reviewCommentBody(s: Suggestion, key: string, lastLine: string): string {
  const sql = s.sql.replace(/\n+$/, '');
  const fence = '`'.repeat(Math.max(3, ...[...`${lastLine}\n${sql}`.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return [
    fixMarker(key, s.migration, digestOf(`${s.file}\n${s.sql}`)),
    `**rollback-verify:** the down of \`${s.migration}\` does not restore the schema. This SQL does — it was run in up → down → up on the same data and left nothing behind:`,
    '',
    `${fence}suggestion`,
    lastLine,
    sql,
    fence,
  ].join('\n');
}

/** Creates, replaces, keeps or deletes the suggestion review comments of one directory. Never throws. */
export async function syncReviewComments(octokit: GitHubClient, req: ReviewRequest): Promise<ReviewOutcome> {
  const out = { action: 'done' as const, created: 0, replaced: 0, unchanged: 0, deleted: 0, notInDiff: [] as string[] };
  try {
    const files = (await octokit.paginate(octokit.rest.pulls.listFiles, { owner: req.owner, repo: req.repo, pull_number: req.pullNumber, per_page: 100 })) as Array<{ filename: string; status: string }>;
    const inDiff = new Set(files.filter((f) => f.status !== 'removed').map((f) => f.filename));
    const existing = ((await octokit.paginate(octokit.rest.pulls.listReviewComments, { owner: req.owner, repo: req.repo, pull_number: req.pullNumber, per_page: 100 })) as ReviewComment[])
      .map((c) => ({ c, marker: parseMarker(c.body) }))
      .filter((x) => x.marker?.key === req.key && (x.c.user?.type === 'Bot' || x.c.user?.login.endsWith('[bot]')));

    const wanted = new Map<string, { s: Suggestion; path: string; body: string; line: number }>();
    for (const s of req.suggestions) {
      const path = posix.normalize(posix.join(req.workingDirectory, s.file)).replace(/^\.\//, '');
      if (!inDiff.has(path)) {
        out.notInDiff.push(s.file);
        continue;
      }
      let lines: string[];
      try {
        lines = readFileSync(join(req.cwd, s.file), 'utf8').replace(/\n$/, '').split('\n');
      } catch {
        out.notInDiff.push(s.file);
        continue;
      }
      wanted.set(s.migration, { s, path, body: reviewCommentBody(s, req.key, lines[lines.length - 1]!), line: lines.length });
    }

    for (const { c, marker } of existing) {
      const w = wanted.get(marker!.migration);
      if (w && parseMarker(w.body)!.digest === marker!.digest && c.path === w.path) {
        out.unchanged++;
        wanted.delete(marker!.migration);
        continue;
      }
      // Gone, or another fix (or file, or line): a review comment cannot move, so it goes.
      await octokit.rest.pulls.deleteReviewComment({ owner: req.owner, repo: req.repo, comment_id: c.id });
      if (w) out.replaced++;
      else out.deleted++;
    }
    for (const w of wanted.values()) {
      await octokit.rest.pulls.createReviewComment({
        owner: req.owner, repo: req.repo, pull_number: req.pullNumber, commit_id: req.headSha, path: w.path, line: w.line, side: 'RIGHT', body: w.body,
      });
      out.created++;
    }
    out.created -= out.replaced;
    return out;
  } catch (err) {
    const status = (err as { status?: number }).status;
    const e = err as { message?: string; response?: { data?: { message?: string } } };
    const detail = (e.response?.data?.message ?? e.message ?? String(err)).split('\n')[0]!.slice(0, 300);
    if (status === 403) return { action: 'forbidden', detail };
    return { action: 'failed', detail: `${status ? `HTTP ${status}: ` : ''}${detail}` };
  }
}
