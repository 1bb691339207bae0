/** The action's entry: only run(). Everything else lives in main.ts so tests can import it. */
import { run } from './main.js';

await run();
