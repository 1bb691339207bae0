/**
 * Secrets of a run (database passwords and URLs, tokens) are registered here the moment they are
 * created or received, so every output path can redact them: the action masks each one with
 * core.setSecret as it arrives, the CLI redacts what it prints. A provider that makes a password
 * registers it; nobody has to remember to pass it along.
 */
const known = new Set<string>();
const listeners = new Set<(secret: string) => void>();

/** Registers a secret (and, for a URL, its password alone, which error messages may repeat). */
export function registerSecret(secret: string | undefined): void {
  if (!secret) return;
  for (const s of expand(secret)) {
    if (!s || known.has(s)) continue;
    known.add(s);
    for (const l of listeners) l(s);
  }
}

/** Calls `fn` for every secret registered so far and every one registered later. */
export function onSecret(fn: (secret: string) => void): void {
  listeners.add(fn);
  for (const s of known) fn(s);
}

/** Every secret registered so far. */
export function knownSecrets(): string[] {
  return [...known];
}

/** Replaces every registered secret (and any extra given) in `text` with `***`. */
export function redactSecrets(text: string, extra: readonly string[] = []): string {
  for (const s of extra) registerSecret(s);
  let out = text;
  // Longest first, so a URL is replaced whole before its password alone is.
  // Very short secrets are masked by the runner but not replaced in text: '***' for every 'ab' in a
  // report would destroy it and protect nothing.
  for (const secret of [...known].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

function expand(secret: string): string[] {
  const all = [secret];
  try {
    const u = new URL(secret);
    if (u.password) all.push(u.password, decodeURIComponent(u.password));
  } catch {
    // Not a URL: the secret as given.
  }
  return all;
}
