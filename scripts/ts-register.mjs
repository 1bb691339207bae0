// `node --import ./scripts/ts-register.mjs file.ts`: runs the TypeScript sources directly (bench/,
// one-off scripts) without a build step or a new dependency. esbuild (already a dev dependency)
// strips the types; module resolution stays Node's own, except that the NodeNext-style `./x.js`
// imports of a .ts file are answered with `./x.ts` when only that exists.
import { register } from 'node:module';

register('./ts-loader.mjs', import.meta.url);
