import type { ScanSession } from '../authorship/scan.js';
import type { CommitReport, ScanReport } from '../authorship/types.js';
import { envelope } from '../kernel/schemas.js';
import type { OutputSink } from './output.js';

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
  for await (const commit of session.commits()) {
    onCommit?.(commit);
    const pending = out.write(`${first ? '\n' : ',\n'}${JSON.stringify(commit)}`);
    if (pending) await pending;
    first = false;
  }
  const coverage = session.coverage ? `,"coverage":${JSON.stringify(await session.coverage.result())}` : '';
  await out.write(`${first ? '' : '\n'}],"summary":${JSON.stringify(session.summary.result())}${coverage},"warnings":${JSON.stringify(session.warnings)}}\n`);
}
