/**
 * The review comments with verified fixes (review-comments.ts), placed in publishing: only on a
 * pull request with a token and comments on, after the main comment; every outcome is a log line
 * or one warning, never the job's result.
 */
import type { Logger } from '../logger.js';
import type { CommentMode } from '../inputs.js';
import type { VerifyResult } from '../result/types.js';
import type { RunContext } from './context.js';
import type { GitHubClient } from './octokit.js';
import { commentForbiddenWarning } from './permissions.js';
import { syncReviewComments } from './review-comments.js';

/** What publishing hands over (a part of publish.ts's PublishRequest). */
export interface ReviewPublishRequest {
  result: VerifyResult;
  ctx: RunContext;
  comment: CommentMode;
  workingDirectory: string;
  client?: GitHubClient;
  cwd?: string;
}

/** Syncs the suggestion review comments of one directory and logs the outcome. Never throws. */
export async function publishReviewSuggestions(req: ReviewPublishRequest, key: string, logger: Logger): Promise<void> {
  const { ctx } = req;
  if (req.comment === 'never' || !ctx.pullRequest || !ctx.repo || !req.client) return;
  const outcome = await syncReviewComments(req.client, {
    owner: ctx.repo.owner,
    repo: ctx.repo.repo,
    pullNumber: ctx.pullRequest.number,
    headSha: ctx.pullRequest.headSha,
    key,
    workingDirectory: req.workingDirectory,
    cwd: req.cwd ?? process.cwd(),
    suggestions: req.result.suggestions ?? [],
  });
  switch (outcome.action) {
    case 'forbidden':
      logger.warning(commentForbiddenWarning(outcome.detail, ctx.pullRequest.fromFork ?? false));
      return;
    case 'failed':
      logger.warning(`rollback-verify could not write the suggested fixes as review comments (${outcome.detail}); the verdict, the job summary and the PR comment are unaffected`);
      return;
    default: {
      const parts = [
        outcome.created ? `${outcome.created} created` : '',
        outcome.replaced ? `${outcome.replaced} replaced` : '',
        outcome.unchanged ? `${outcome.unchanged} unchanged` : '',
        outcome.deleted ? `${outcome.deleted} removed (fixed)` : '',
      ].filter(Boolean);
      if (parts.length) logger.info(`Suggested-fix review comments: ${parts.join(', ')}`);
      for (const f of outcome.notInDiff) logger.info(`No review comment for the fix of ${f}: the file is not part of this pull request's diff (the PR comment has the SQL)`);
    }
  }
}
