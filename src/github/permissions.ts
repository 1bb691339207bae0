/** The one warning a refused comment gets: what happened, and the exact YAML that fixes it. */

/** The job-level permissions the action needs to comment. */
export const PERMISSIONS_YAML = ['permissions:', '  contents: read', '  pull-requests: write'].join('\n');

/** Warning text for an HTTP 403 on the comment endpoints. */
export function commentForbiddenWarning(detail: string, fromFork: boolean): string {
  const why = fromFork
    ? 'This pull request comes from a fork: GitHub gives its workflows a read-only token whatever they ask for; use the workflow_run pattern (README, "Fork pull requests") to comment on fork PRs safely. Pull requests from branches of this repository need, in the workflow or the job:'
    : 'Add this to the workflow (or to the job):';
  return [
    `rollback-verify could not write the PR comment (HTTP 403: ${detail}). The verdict, the job summary and the outputs are unaffected.`,
    why,
    PERMISSIONS_YAML,
  ].join('\n');
}
