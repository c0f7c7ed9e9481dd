/**
 * Issue 8, item 18: extras are not reduced away unchecked. PyPI extras are
 * checked against those the release defines (PEP 685 names); the other
 * ecosystems have none.
 */
import { describe, expect, it } from 'vitest';
import { pypiProject } from '../../fixtures/registry-server.js';
import { splitPep508 } from '../../src/deps/names.js';
import { validateAgainst } from '../../src/kernel/schemas.js';
import { check, registry } from './helpers.js';

const server = await registry({
  pypi: {
    flask: pypiProject('flask', { extras: ['async', 'dotenv'] }),
    requests: pypiProject('requests', { extras: ['socks', 'use_chardet_on_py3'] }),
    oldpkg: pypiProject('oldpkg'),
  },
});

describe('extras', () => {
  it('PEP 508 extras are parsed and PEP 685 normalised', () => {
    expect(splitPep508('Flask[Async, standard_workers] >=3 ; python_version > "3.8"')).toEqual({
      name: 'Flask',
      spec: '>=3',
      extras: ['async', 'standard-workers'],
    });
    expect(splitPep508('requests-securex>=9.9')).toEqual({ name: 'requests-securex', spec: '>=9.9', extras: [] });
  });

  it('an extra the package does not define is a finding; defined ones (any spelling) are not; no data is an unknown signal', async () => {
    const text = 'Install:\n\n```sh\npip install "flask[async,standard-workers]" "requests[use-chardet-on-py3]" "oldpkg[fast]"\n```\n';
    const { writeFile } = await import('node:fs/promises');
    const { tempDir } = await import('../helpers.js');
    const file = `${await tempDir()}/answer.md`;
    await writeFile(file, text);
    const report = await check(server, [], { ecosystem: 'pypi', fromText: file });
    expect(validateAgainst('dependencyAudit', report)).toBeNull();
    const byName = Object.fromEntries(report.dependencies.map((d) => [d.name, d]));
    expect(byName.flask).toMatchObject({ extras: ['async', 'standard-workers'], verdict: 'warn', findings: [{ id: 'unknown-extra', severity: 'medium' }] });
    expect(byName.flask?.findings[0]?.message).toBe(
      '`flask[standard-workers]`: flask defines no extra `standard-workers` (it defines `async`, `dotenv`); the installer drops it, so less is installed than the requirement says.',
    );
    expect(byName.requests?.findings.map((f) => f.id)).toEqual([]);
    expect(byName.oldpkg?.unknownSignals).toContain('unknown-extra');
    expect(byName.oldpkg?.findings.map((f) => f.id)).not.toContain('unknown-extra');
  });
});
