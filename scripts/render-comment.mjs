#!/usr/bin/env node
// Renders a Markdown report (the PR comment body, e.g. from `--markdown report.md`) the way GitHub
// shows a comment: GitHub-flavoured Markdown with GitHub's CSS at comment width, <details>
// collapsed, Mermaid charts drawn. Optionally takes a screenshot with headless Chromium.
//
//   node scripts/render-comment.mjs report.md out.html [--png out.png [--height PX]] [--open] [--modules DIR]
//
// Dev tooling only, not a dependency of the project: `marked`, `github-markdown-css` and (for
// charts) `mermaid` are looked up in --modules DIR (a node_modules directory), else in the
// project's node_modules; install them there with
//   npm install --no-save marked github-markdown-css mermaid
// The screenshot needs Chromium (Debian: apt-get install chromium). --open expands every
// <details>, to review what a reader sees after clicking.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const [, value] = args.splice(i, 2);
  return value;
};
const png = flag('--png');
const heightFlag = flag('--height');
const modules = flag('--modules');
const open = args.includes('--open') ? (args.splice(args.indexOf('--open'), 1), true) : false;
const [input, output] = args;
if (!input || !output) {
  process.stderr.write('usage: node scripts/render-comment.mjs report.md out.html [--png out.png] [--open] [--modules DIR]\n');
  process.exit(2);
}

const require = createRequire(modules ? join(resolve(modules), 'noop.js') : join(process.cwd(), 'noop.js'));
let marked;
let cssFile;
try {
  ({ marked } = await import(pathToFileURL(require.resolve('marked')).href));
  cssFile = require.resolve('github-markdown-css/github-markdown-light.css');
} catch {
  process.stderr.write('render-comment: marked and github-markdown-css are not installed; run `npm install --no-save marked github-markdown-css mermaid` (or pass --modules DIR)\n');
  process.exit(2);
}
let mermaidFile;
try {
  mermaidFile = require.resolve('mermaid/dist/mermaid.min.js');
} catch {
  mermaidFile = undefined;
}

// The sticky marker is an HTML comment: GitHub hides it, and so does the browser.
const markdown = readFileSync(input, 'utf8');
let body = marked.parse(markdown, { gfm: true, breaks: false });
body = body.replace(/<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g, '<pre class="mermaid">$1</pre>');
if (open) body = body.replace(/<details>/g, '<details open>');

const html = `<!doctype html>
<html><head><meta charset="utf-8">
<style>${readFileSync(cssFile, 'utf8')}</style>
<style>
  body { margin: 0; background: #fff; }
  /* A PR comment's body is about 780 px wide, with 16 px padding inside its box. */
  .comment { width: 780px; box-sizing: border-box; margin: 16px; border: 1px solid #d0d7de; border-radius: 6px; }
  .comment-header { background: #f6f8fa; border-bottom: 1px solid #d0d7de; padding: 8px 16px; font: 14px -apple-system, "Segoe UI", sans-serif; color: #57606a; }
  .markdown-body { padding: 16px; font-size: 14px; }
</style></head>
<body><div class="comment"><div class="comment-header"><b>github-actions</b> bot commented</div>
<article class="markdown-body">${body}</article></div>
${mermaidFile ? `<script src="${pathToFileURL(mermaidFile).href}"></script><script>mermaid.initialize({ startOnLoad: true, theme: 'default' });</script>` : ''}
<script>
  // The rendered height, for a screenshot that ends where the comment ends (read by --dump-dom).
  setTimeout(() => { document.body.dataset.height = String(document.documentElement.scrollHeight); }, 1500);
</script>
</body></html>`;
writeFileSync(output, html);
process.stdout.write(`${output}\n`);

if (png) {
  const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find((c) => spawnSync('which', [c]).status === 0);
  if (!chromium) {
    process.stderr.write('render-comment: no Chromium found for --png (apt-get install chromium)\n');
    process.exit(2);
  }
  const flags = (profile) => [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${profile}`, '--virtual-time-budget=4000',
  ];
  const page = pathToFileURL(resolve(output)).href;
  let height = heightFlag ? Number(heightFlag) : undefined;
  if (!height) {
    // First pass: let the page measure itself; second pass: a window exactly that tall.
    const profile = mkdtempSync(join(tmpdir(), 'render-comment-'));
    const dom = spawnSync(chromium, [...flags(profile), '--window-size=820,1000', '--dump-dom', page], { encoding: 'utf8', timeout: 120_000 });
    rmSync(profile, { recursive: true, force: true });
    height = Number(/data-height="(\d+)"/.exec(dom.stdout ?? '')?.[1] ?? 2000) + 16;
  }
  const profile = mkdtempSync(join(tmpdir(), 'render-comment-'));
  const r = spawnSync(chromium, [...flags(profile), `--window-size=820,${height}`, `--screenshot=${resolve(png)}`, page], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
  rmSync(profile, { recursive: true, force: true });
  if (r.status !== 0 || !existsSync(resolve(png))) {
    process.stderr.write(`render-comment: chromium failed: ${String(r.stderr).split('\n').slice(-3).join(' ')}\n`);
    process.exit(1);
  }
  process.stdout.write(`${png}\n`);
}
