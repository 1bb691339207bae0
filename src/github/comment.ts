/**
 * The sticky PR comment: one per migrations directory, found by its hidden marker among all the
 * PR's comments (REST issues-comments endpoints, every page via octokit.paginate), written by us
 * (the marker alone could be quoted by a person), updated in place, and not touched at all when
 * its digest says nothing changed. Commenting never decides the job's result: every failure
 * becomes an outcome the caller reports as a warning.
 */
import type { Logger } from '../logger.js';
import { commentMarker, hasMarker, markerDigest } from './marker.js';
import type { GitHubClient } from './octokit.js';

export interface StickyCommentRequest {
  owner: string;
  repo: string;
  issueNumber: number;
  /** markerKey(): the migrations directory from the repository root. */
  key: string;
  /** The Markdown report (without the marker). */
  body: string;
  /** Digest of what the report says, timings aside. */
  digest: string;
  /** False: only update an existing comment (comment: on-failure on a passing run). */
  create: boolean;
  /** Why no comment is created when `create` is false (for the log). */
  notCreatedReason?: string;
}

export type CommentOutcome =
  | { action: 'created' | 'updated' | 'unchanged'; url: string; id: number }
  | { action: 'not-created'; reason: string }
  | { action: 'forbidden'; detail: string }
  | { action: 'failed'; detail: string };

interface IssueComment {
  id: number;
  body?: string;
  html_url: string;
  user: { login: string; type?: string } | null;
}

/** The login of the token's user, or undefined for installation tokens (GITHUB_TOKEN, apps). */
async function tokenLogin(octokit: GitHubClient): Promise<string | undefined> {
  try {
    const { data } = await octokit.request('GET /user');
    return (data as { login?: string }).login;
  } catch {
    // GITHUB_TOKEN and app tokens get 403 here: their comments are written by a bot.
    return undefined;
  }
}

/**
 * Ours: written by the token's user when it has one (a PAT), else by a bot — GITHUB_TOKEN writes
 * as github-actions[bot], a GitHub App as <slug>[bot]; people are never type Bot.
 */
function isOurs(c: IssueComment, login: string | undefined): boolean {
  if (!c.user) return false;
  if (login) return c.user.login === login;
  return c.user.type === 'Bot' || c.user.login.endsWith('[bot]');
}

function statusOf(err: unknown): number | undefined {
  return (err as { status?: number }).status;
}

function detailOf(err: unknown): string {
  const e = err as { status?: number; message?: string; response?: { data?: { message?: string } } };
  return (e.response?.data?.message ?? e.message ?? String(err)).split('\n')[0]!.slice(0, 300);
}

/** Creates, updates or leaves alone this directory's comment on the PR. Never throws. */
export async function upsertStickyComment(octokit: GitHubClient, req: StickyCommentRequest, logger: Logger): Promise<CommentOutcome> {
  const body = `${commentMarker(req.key, req.digest)}\n${req.body}`;
  try {
    const all = (await octokit.paginate(octokit.rest.issues.listComments, {
      owner: req.owner,
      repo: req.repo,
      issue_number: req.issueNumber,
      per_page: 100,
    })) as IssueComment[];
    const candidates = all.filter((c) => hasMarker(c.body, req.key));
    const login = candidates.length > 0 ? await tokenLogin(octokit) : undefined;
    const existing = candidates.find((c) => isOurs(c, login));
    logger.debug(`PR #${req.issueNumber}: ${all.length} comments, ${candidates.length} with the marker for ${req.key}`);

    if (existing) {
      if (markerDigest(existing.body) === req.digest) {
        return { action: 'unchanged', url: existing.html_url, id: existing.id };
      }
      const { data } = await octokit.rest.issues.updateComment({ owner: req.owner, repo: req.repo, comment_id: existing.id, body });
      return { action: 'updated', url: data.html_url, id: data.id };
    }
    if (!req.create) return { action: 'not-created', reason: req.notCreatedReason ?? 'comment: on-failure and the check passed' };
    const { data } = await octokit.rest.issues.createComment({ owner: req.owner, repo: req.repo, issue_number: req.issueNumber, body });
    return { action: 'created', url: data.html_url, id: data.id };
  } catch (err) {
    if (statusOf(err) === 403) return { action: 'forbidden', detail: detailOf(err) };
    return { action: 'failed', detail: `${statusOf(err) ? `HTTP ${statusOf(err)}: ` : ''}${detailOf(err)}` };
  }
}
