import type { VerifyReport } from '../verify/verify.js';
import { printable } from './printable.js';

/** Each bundle with its checks by name, then the verdict and, when it failed, every problem. */
export function renderVerifyText(report: VerifyReport): string {
  const bundles = [...report.bundles, ...(report.reviews ?? [])].map((b) => {
    const checks = b.checks.map((c) => `  ${c.result.padEnd(7)} ${c.name.padEnd(13)} ${printable(c.detail)}`).join('\n');
    return `${printable(b.bundle)}: ${b.verified ? 'VERIFIED' : 'FAILED'}${b.signer !== null ? ` (${printable(b.signer)})` : ''}\n${checks}\n`;
  });
  const verdict = report.verified
    ? `verified: ${report.predicateType} for ${printable(report.subjectText)}\n`
    : `NOT verified: ${report.predicateType} for ${printable(report.subjectText)}\n${report.problems.map((p) => `  ${printable(p)}\n`).join('')}`;
  return `${bundles.join('')}${verdict}`;
}
