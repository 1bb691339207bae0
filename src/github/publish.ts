/**
 * Publishing a result on GitHub: report files and outputs, annotations, the job summary, and the
 * sticky PR comment, in that order — the comment last, because it is the only step that may fail
 * for reasons outside the run (permissions, forks, API outages), and none of its failures may
 * cost the reader the summary or change the verdict.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommentMode } from '../inputs.js';
import type { Logger } from '../logger.js';
import { renderJsonReport } from '../report/json.js';
import { COMMENT_MAX_CHARS, renderMarkdownReport, type ReportLinks } from '../report/markdown.js';
import { redactSecrets } from '../secrets.js';
import type { VerifyResult } from '../result/types.js';
import type { ActionsCore } from './actions-core.js';
import { annotateProblems, MAX_ANNOTATIONS_PER_LEVEL } from './annotations.js';
import { upsertStickyComment, type CommentOutcome } from './comment.js';
import type { RunContext } from './context.js';
import { commentMarker, digestOf, markerKey } from './marker.js';
import type { GitHubClient } from './octokit.js';
import { commentForbiddenWarning } from './permissions.js';
import { renderSummary, writeJobSummary } from './summary.js';
import { publishReviewSuggestions } from './review-publish.js';

export interface PublishRequest {
  result: VerifyResult;
  ctx: RunContext;
  comment: CommentMode;
  workingDirectory: string;
  /** Values that must never appear in anything written (token, database URL). */
  secrets: string[];
  /** Undefined without a token: no comment. */
  client?: GitHubClient;
  env?: NodeJS.ProcessEnv;
  /** Absolute working directory (where the suggestions' files are read); default: the process's. */
  cwd?: string;
}

export interface PublishOutcome {
  reportJson: string;
  reportMarkdown: string;
  comment: CommentOutcome | { action: 'skipped'; reason: string };
}

/**
 * The result with every timing zeroed: what the comment says apart from how long things took.
 * Generic over the value (every `ms`/`…Ms` measurement, wherever a renderer keeps one), so a new
 * timed field cannot make identical runs edit the comment; `lockTimeoutMs` and `maxLockMs` are settings, not times.
 */
export function withoutTimings(result: VerifyResult): VerifyResult {
  return zeroTimings(result) as VerifyResult;
}

/** Numbers named like times that are settings, not measurements. */
const SETTINGS = new Set(['lockTimeoutMs', 'maxLockMs']);

function zeroTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(zeroTimings);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, typeof v === 'number' && /^(ms|\w+Ms)$/.test(k) && !SETTINGS.has(k) ? 0 : zeroTimings(v)]),
  );
}

/** Links to files at the PR's head commit (or the run's commit outside a PR), and to the run's summary. */
export function reportLinks(ctx: RunContext, workingDirectory: string): ReportLinks | undefined {
  const sha = ctx.pullRequest?.headSha ?? ctx.sha;
  if (!ctx.repo || !sha) return undefined;
  const repoUrl = `${ctx.serverUrl}/${ctx.repo.owner}/${ctx.repo.repo}`;
  return { repoUrl, sha, pathPrefix: workingDirectory, ...(ctx.runId ? { summaryUrl: `${repoUrl}/actions/runs/${ctx.runId}` } : {}) };
}

function slug(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'root';
}

/** Publishes everything; never throws for GitHub API trouble (that becomes a warning). */
export async function publishResult(req: PublishRequest, core: ActionsCore, logger: Logger): Promise<PublishOutcome> {
  const { result, ctx } = req;
  const clean = (text: string) => redactSecrets(text, req.secrets);
  const key = markerKey(req.workingDirectory, result.migrationsDir);
  const links = reportLinks(ctx, req.workingDirectory);

  // Report files outside the checkout, so a later `git status` or upload step sees no stray files.
  const dir = join(ctx.runnerTemp ?? tmpdir(), 'rollback-verify');
  const reportJson = join(dir, `${slug(key)}.json`);
  const reportMarkdown = join(dir, `${slug(key)}.md`);
  const comment = commentContent(result, key, links, clean);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(reportJson, clean(renderJsonReport(result)));
    // Exactly what the comment holds (marker included), so a workflow_run workflow can post it as is.
    writeFileSync(reportMarkdown, `${commentMarker(key, comment.digest)}\n${comment.body}`);
  } catch (err) {
    // The report files are a convenience; failing to write them must not change the verdict.
    logger.warning(`could not write the report files in ${dir}: ${(err as Error).message}`);
  }

  core.setOutput('status', result.status);
  core.setOutput('problems', String(result.problems.length));
  core.setOutput('report-json', reportJson);
  core.setOutput('report-markdown', reportMarkdown);

  const counts = annotateProblems(result.problems, core, req.workingDirectory, result.stopped?.migration);
  const overflow =
    counts.omitted > 0
      ? `\n> ${counts.omitted} more problem${counts.omitted === 1 ? ' is' : 's are'} listed above without an annotation: GitHub shows at most ${MAX_ANNOTATIONS_PER_LEVEL} error and ${MAX_ANNOTATIONS_PER_LEVEL} warning annotations per step.\n`
      : '';
  if (!writeJobSummary(clean(renderSummary(result, links, overflow)), req.env)) {
    logger.debug('GITHUB_STEP_SUMMARY is not set: no job summary written');
  }

  const outcome = await postComment(req, key, comment, logger);
  core.setOutput('comment-url', 'url' in outcome ? outcome.url : '');
  switch (outcome.action) {
    case 'created':
    case 'updated':
      logger.info(`PR comment ${outcome.action}: ${outcome.url}`);
      break;
    case 'unchanged':
      logger.info(`PR comment unchanged (same result as last time): ${outcome.url}`);
      break;
    case 'forbidden':
      logger.warning(commentForbiddenWarning(outcome.detail, ctx.pullRequest?.fromFork ?? false));
      break;
    case 'failed':
      logger.warning(`rollback-verify could not write the PR comment (${outcome.detail}); the verdict, the job summary and the outputs are unaffected`);
      break;
    default:
      logger.info(`No PR comment: ${outcome.reason}`);
  }
  // After the main comment, and not when it was refused: one 403, one warning.
  if (outcome.action !== 'forbidden') await publishReviewSuggestions(req, key, logger);
  return { reportJson, reportMarkdown, comment: outcome };
}

/** The comment's Markdown within its budget, and the digest of what it says (timings aside). */
function commentContent(result: VerifyResult, key: string, links: ReportLinks | undefined, clean: (t: string) => string): { body: string; digest: string } {
  const maxChars = COMMENT_MAX_CHARS - commentMarker(key, digestOf('')).length - 1;
  return {
    body: clean(renderMarkdownReport(result, { links, maxChars })),
    digest: digestOf(clean(renderMarkdownReport(withoutTimings(result), { links, maxChars }))),
  };
}

/**
 * Whether a new comment may be written (an existing one is always kept current). A PR that adds
 * no migration and has nothing wrong gets no bot comment at all, whatever `comment` says: there is
 * nothing to review. One that fails (an edited merged migration) still does.
 */
export function mayCreateComment(mode: CommentMode, result: VerifyResult): boolean {
  if (result.status !== 'fail' && result.migrations.length === 0) return false;
  return mode === 'always' || result.status === 'fail';
}

async function postComment(
  req: PublishRequest,
  key: string,
  content: { body: string; digest: string },
  logger: Logger,
): Promise<PublishOutcome['comment']> {
  const { ctx, result } = req;
  if (req.comment === 'never') return { action: 'skipped', reason: 'comment: never' };
  if (!ctx.pullRequest) return { action: 'skipped', reason: `not a pull request (event ${ctx.eventName || 'unknown'})` };
  if (!ctx.repo) return { action: 'skipped', reason: 'GITHUB_REPOSITORY is not set' };
  if (!req.client) return { action: 'skipped', reason: 'github-token is empty' };
  return upsertStickyComment(
    req.client,
    {
      owner: ctx.repo.owner,
      repo: ctx.repo.repo,
      issueNumber: ctx.pullRequest.number,
      key,
      body: content.body,
      digest: content.digest,
      // on-failure: a passing run still updates an existing comment, so it never shows a stale failure.
      create: mayCreateComment(req.comment, result),
      notCreatedReason: result.migrations.length === 0 ? 'the PR adds no migrations and nothing failed' : 'comment: on-failure and the check passed',
    },
    logger,
  );
}
