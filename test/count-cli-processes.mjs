// Preloaded into every Node process the test run starts (NODE_OPTIONS, set by
// global-setup.ts): a process running aiprov's bin adds one line to the log
// named by AIPROV_TEST_PROCESS_LOG, so the run can say how many CLI processes
// it spawned (directly, or through git hooks). Nothing else is touched.
import { appendFileSync } from 'node:fs';

const log = process.env.AIPROV_TEST_PROCESS_LOG;
const script = process.argv[1] ?? '';
if (log && /[\\/]bin[\\/]aiprov\.js$/.test(script)) appendFileSync(log, `${process.pid}\n`);
