/**
 * Secret redaction for anything the run writes: database URLs (and their passwords alone, which
 * PostgreSQL error messages may repeat) and tokens.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of expand(secrets)) {
    if (secret.length < 4) continue;
    out = out.split(secret).join('***');
  }
  return out;
}

function expand(secrets: readonly string[]): string[] {
  const all = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    all.add(s);
    try {
      const u = new URL(s);
      if (u.password) {
        all.add(u.password);
        all.add(decodeURIComponent(u.password));
      }
    } catch {
      // Not a URL: redact it as given.
    }
  }
  // Longest first, so a URL is replaced whole before its password alone is.
  return [...all].sort((a, b) => b.length - a.length);
}
