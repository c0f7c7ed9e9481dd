import type { ScanSession } from '../authorship/scan.js';
import type { CommitReport, ScanReport } from '../authorship/types.js';
import { envelope } from '../kernel/schemas.js';
import type { OutputSink } from './output.js';

/** How much of the commits' JSON is gathered before a write. */
const CHUNK = 64 * 1024;

/**
 * Writes the scan report as JSON while the scan runs: one commit per line,
 * summary and warnings last, so memory stays flat however long the history.
 * The bytes equal `JSON.stringify` of the collected report's fields, in the
 * order of schemas/scan-report.schema.json.
 */
export async function writeScanJson(session: ScanSession, out: OutputSink, onCommit?: (c: CommitReport) => void): Promise<void> {
  const head: Pick<ScanReport, 'schema' | 'tool' | 'repository' | 'range'> = {
    ...envelope('scanReport'),
    repository: session.repository,
    range: session.range,
  };
  const opening = JSON.stringify(head);
  await out.write(`${opening.slice(0, -1)},"commits":[`);
  let first = true;
  // Commits go out in chunks of about 64 KB: one write per commit was a tenth of a 100,000-commit scan's time.
  let chunk = '';
  for await (const commit of session.commits()) {
    onCommit?.(commit);
    chunk += `${first ? '\n' : ',\n'}${JSON.stringify(commit)}`;
    first = false;
    if (chunk.length >= CHUNK) {
      const pending = out.write(chunk);
      chunk = '';
      if (pending) await pending;
    }
  }
  if (chunk !== '') await out.write(chunk);
  const coverage = session.coverage ? `,"coverage":${JSON.stringify(await session.coverage.result())}` : '';
  await out.write(`${first ? '' : '\n'}],"summary":${JSON.stringify(session.summary.result())}${coverage},"warnings":${JSON.stringify(session.warnings)}}\n`);
}
