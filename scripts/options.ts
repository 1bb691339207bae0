// `npm run options`: writes action.yml and the README's generated tables (inputs, outputs, CLI
// options) from the option table (src/options/table.ts). The drift test fails until this has run.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderActionYml, updateReadme } from '../src/options/render.js';

writeFileSync('action.yml', renderActionYml());
writeFileSync('README.md', updateReadme(readFileSync('README.md', 'utf8')));
console.log('action.yml and README.md tables written from src/options/table.ts');
