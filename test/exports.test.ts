import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

describe('package entry points', () => {
  it('every exports entry resolves in the built package, types first', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, string | Record<string, string>> };
    for (const [entry, target] of Object.entries(pkg.exports)) {
      const targets = typeof target === 'string' ? { default: target } : target;
      if (typeof target !== 'string') expect(Object.keys(target)[0], entry).toBe('types');
      for (const file of Object.values(targets)) expect(existsSync(new URL(`../${file}`, import.meta.url)), `${entry} → ${file}`).toBe(true);
    }
  });

  it('the built library exposes scan, blame, record, hooks, deps, bom, attest, verify, images and the dashboard', async () => {
    const lib = (await import(new URL('../dist/index.js', import.meta.url).href)) as Record<string, unknown>;
    for (const name of [
      'openContext',
      'settingsContext',
      'runHook',
      'GitError',
      'UsageError',
      'scanHistory',
      'openScan',
      'SignatureEngine',
      'parseMessage',
      'loadConfig',
      'openRepository',
      'validateAgainst',
      'AiprovError',
      'blameTree',
      'recordAuthorship',
      'recordSquash',
      'installHooks',
      'auditRepository',
      'checkNames',
      'TyposquatIndex',
      'renderDepsSarif',
      'generateBom',
      'buildBom',
      'mergeInto',
      'bomProblems',
      'attestCommit',
      'signWithKey',
      'signKeyless',
      'appendBundles',
      'readStoredBundles',
      'verifyAttestation',
      'verifySignature',
      'publicGoodRoot',
      'readTrustedRoot',
      'readContentPolicy',
      'vsaStatement',
      'verifyForConformance',
      'attestImage',
      'parseImageReference',
      'OciRegistryClient',
      'attachBundle',
      'findBundles',
      'resolveImage',
      'collectDashboard',
      'renderDashboardHtml',
      'RegistryError',
    ]) {
      expect(typeof lib[name], name).toBe('function');
    }
    expect(lib.AGENT_IDS).toContain('claude-code');
  });
});
