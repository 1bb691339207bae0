/**
 * A fake GitHub REST server on 127.0.0.1 for the comment code and the end-to-end tests: the
 * issues-comments endpoints (list with real pagination and Link headers, create, update),
 * GET /user answering as it does for GITHUB_TOKEN (403), and a log of every request. Failures
 * are scripted per operation (403 for a read-only token, 5xx, rate limits).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
  html_url: string;
  created_at: string;
  updated_at: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  authorization?: string;
}

export type Operation = 'list' | 'create' | 'update' | 'user' | 'pull-files' | 'review-list' | 'review-create' | 'review-delete';

/** A pull request review comment (on a line of a file in the diff). */
export interface FakeReviewComment {
  id: number;
  body: string;
  path: string;
  line: number;
  side: string;
  commit_id: string;
  user: { login: string; type: 'Bot' | 'User' };
}

export interface ScriptedFailure {
  op: Operation;
  status: number;
  /** How many requests fail before the operation works (Infinity: always). */
  times: number;
  headers?: Record<string, string>;
  message?: string;
}

export interface FakeGitHub {
  url: string;
  owner: string;
  repo: string;
  requests: RecordedRequest[];
  /** Comments per issue number. */
  comments: Map<number, FakeComment[]>;
  failures: ScriptedFailure[];
  /** The author of comments created through the API. */
  botLogin: string;
  /** Page size cap, like GitHub's 100. */
  maxPerPage: number;
  /** Files of each pull request's diff (GET /pulls/{n}/files). */
  pullFiles: Map<number, Array<{ filename: string; status: string }>>;
  /** Review comments per pull request number. */
  reviewComments: Map<number, FakeReviewComment[]>;
  /** Adds `count` comments by people to an issue; returns them. */
  seed(issue: number, count: number, make?: (i: number) => Partial<FakeComment>): FakeComment[];
  /** Requests other than GET /user, for "what did the action do" assertions. */
  writes(): RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeGitHub(owner = 'acme', repo = 'shop'): Promise<FakeGitHub> {
  let nextId = 1000;
  const fake: FakeGitHub = {
    url: '',
    owner,
    repo,
    requests: [],
    comments: new Map(),
    pullFiles: new Map(),
    reviewComments: new Map(),
    failures: [],
    botLogin: 'github-actions[bot]',
    maxPerPage: 100,
    seed(issue, count, make = () => ({})) {
      const list = fake.comments.get(issue) ?? [];
      const added: FakeComment[] = [];
      for (let i = 0; i < count; i++) {
        const id = nextId++;
        const c: FakeComment = {
          id,
          body: `comment ${i}`,
          user: { login: `person${i % 7}`, type: 'User' },
          html_url: `https://github.com/${owner}/${repo}/pull/${issue}#issuecomment-${id}`,
          created_at: '2024-01-01T00:00:00Z',
          updated_at: '2024-01-01T00:00:00Z',
          ...make(i),
        };
        list.push(c);
        added.push(c);
      }
      fake.comments.set(issue, list);
      return added;
    },
    writes: () => fake.requests.filter((r) => r.method !== 'GET'),
    close: () => new Promise((r) => server.close(() => r())),
  };

  const send = (res: ServerResponse, status: number, data: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(data));
  };

  const failure = (op: Operation): ScriptedFailure | undefined => {
    const f = fake.failures.find((x) => x.op === op && x.times > 0);
    if (f) f.times--;
    return f;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = raw ? (JSON.parse(raw) as { body?: string }) : undefined;
    fake.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: req.headers.authorization,
    });

    const base = `/repos/${owner}/${repo}`;
    const pulls = /^\/repos\/[^/]+\/[^/]+\/pulls\/(?:(\d+)\/(files|comments)|comments\/(\d+))$/.exec(url.pathname);
    if (pulls && url.pathname.startsWith(base)) {
      const n = Number(pulls[1]);
      const pullOp: Operation | undefined =
        pulls[2] === 'files' && req.method === 'GET' ? 'pull-files'
        : pulls[2] === 'comments' && req.method === 'GET' ? 'review-list'
        : pulls[2] === 'comments' && req.method === 'POST' ? 'review-create'
        : pulls[3] && req.method === 'DELETE' ? 'review-delete'
        : undefined;
      if (!pullOp) return send(res, 404, { message: 'Not Found' });
      const pf = failure(pullOp);
      if (pf) return send(res, pf.status, { message: pf.message ?? (pf.status === 403 ? 'Resource not accessible by integration' : 'Server Error') }, pf.headers);
      if (pullOp === 'pull-files') return send(res, 200, fake.pullFiles.get(n) ?? []);
      if (pullOp === 'review-list') return send(res, 200, fake.reviewComments.get(n) ?? []);
      if (pullOp === 'review-create') {
        const b = body as unknown as Omit<FakeReviewComment, 'id' | 'user'>;
        // GitHub refuses a line outside the diff; here: a file not in the PR's files.
        if (!(fake.pullFiles.get(n) ?? []).some((f) => f.filename === b.path)) return send(res, 422, { message: 'pull_request_review_thread.path is not part of the diff' });
        const c: FakeReviewComment = { id: nextId++, body: b.body, path: b.path, line: b.line, side: b.side, commit_id: b.commit_id, user: { login: fake.botLogin, type: 'Bot' } };
        fake.reviewComments.set(n, [...(fake.reviewComments.get(n) ?? []), c]);
        return send(res, 201, c);
      }
      const id = Number(pulls[3]);
      for (const [k, list] of fake.reviewComments) {
        if (list.some((c) => c.id === id)) {
          fake.reviewComments.set(k, list.filter((c) => c.id !== id));
          res.writeHead(204);
          return res.end();
        }
      }
      return send(res, 404, { message: 'Not Found' });
    }
    const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    const op: Operation | undefined =
      url.pathname === '/user' ? 'user' : list && req.method === 'GET' ? 'list' : list && req.method === 'POST' ? 'create' : one && req.method === 'PATCH' ? 'update' : undefined;
    if (!op || (op !== 'user' && !url.pathname.startsWith(base))) return send(res, 404, { message: 'Not Found' });

    const f = failure(op);
    if (f) return send(res, f.status, { message: f.message ?? (f.status === 403 ? 'Resource not accessible by integration' : 'Server Error') }, f.headers);

    if (op === 'user') return send(res, 403, { message: 'Resource not accessible by integration' });
    if (op === 'list') {
      const issue = Number(list![3]);
      const all = fake.comments.get(issue) ?? [];
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), fake.maxPerPage);
      const page = Number(url.searchParams.get('page') ?? 1);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const link = (p: number) => `<${fake.url}${url.pathname}?per_page=${perPage}&page=${p}>`;
      const links: string[] = [];
      if (page < last) links.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
      if (page > 1) links.push(`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`);
      return send(res, 200, all.slice((page - 1) * perPage, page * perPage), links.length ? { link: links.join(', ') } : {});
    }
    if (op === 'create') {
      const issue = Number(list![3]);
      const [c] = fake.seed(issue, 1, () => ({ body: body?.body ?? '', user: { login: fake.botLogin, type: 'Bot' } }));
      return send(res, 201, c);
    }
    const id = Number(one![3]);
    for (const comments of fake.comments.values()) {
      const c = comments.find((x) => x.id === id);
      if (c) {
        c.body = body?.body ?? c.body;
        c.updated_at = '2024-01-02T00:00:00Z';
        return send(res, 200, c);
      }
    }
    return send(res, 404, { message: 'Not Found' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { message: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
