// The GitHub Action's entry point (action.yml: runs.using node24); the logic is in main.js.
import { run } from './main.js';

await run();
