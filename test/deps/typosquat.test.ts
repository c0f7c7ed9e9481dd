import { describe, expect, it } from 'vitest';
import { deletes, osaDistance } from '../../src/deps/typosquat/distance.js';
import { shippedIndex, TyposquatIndex, ultranormalize } from '../../src/deps/typosquat/index.js';

const npm = shippedIndex('npm');
const pypi = shippedIndex('pypi');

describe('the shipped popular-name lists', () => {
  it('hold the 10,000 most downloaded names of npm and PyPI', () => {
    for (const name of ['express', 'react', 'lodash', 'cross-env', '@types/node', 'typescript-eslint']) expect(npm?.isPopular(name), name).toBe(true);
    for (const name of ['requests', 'numpy', 'PyYAML', 'python-dateutil']) expect(pypi?.isPopular(name), name).toBe(true);
    expect(shippedIndex('go')).toBeUndefined();
  });
});

describe('typosquat look-ups', () => {
  it.each([
    ['npm', 'expres', 'express'], ['npm', 'expresss', 'express'], ['npm', 'epxress', 'express'], ['npm', 'lodahs', 'lodash'],
    ['npm', 'electorn', 'electron'], ['npm', 'crossenv', 'cross-env'], ['npm', 'cross_env', 'cross-env'], ['npm', 'types-node', '@types/node'],
    ['npm', 'typscript-eslint', 'typescript-eslint'], ['npm', 'typescritp-eslnt', 'typescript-eslint'], ['npm', 'lodash-js', 'lodash'], ['npm', 'node-axios', 'axios'],
    ['pypi', 'reqeusts', 'requests'], ['pypi', 'python-requests', 'requests'], ['pypi', 'requests-py', 'requests'], ['pypi', 'numpi', 'numpy'],
    ['pypi', 'request5', 'requests'],
  ] as const)('%s: %s looks like %s', (eco, name, target) => {
    expect((eco === 'npm' ? npm : pypi)?.check(name)?.target).toBe(target);
  });

  it.each([
    ['npm', 'express'], ['npm', 'react-dom'], ['npm', '@types/node'], ['npm', 'zod'], ['npm', 'ms'], ['npm', 'my-company-internal-tool'],
    ['npm', '@acme-corp/brand-new-sdk'], ['pypi', 'requests'], ['pypi', 'PyYAML'], ['pypi', 'Flask'], ['pypi', 'python_dateutil'], ['pypi', 'a-totally-unrelated-name'],
  ] as const)('%s: %s is not flagged', (eco, name) => {
    expect((eco === 'npm' ? npm : pypi)?.check(name)).toBeUndefined();
  });

  it('scope confusion works both ways, and PyPI-style collisions are caught', () => {
    const index = new TyposquatIndex('npm', ['acme-utils', '@types/react']);
    expect(index.check('@acme/utils')?.target).toBe('acme-utils');
    expect(index.check('types-react')?.target).toBe('@types/react');
    expect(ultranormalize('Il1-o0.py')).toBe('11100py');
    const py = new TyposquatIndex('pypi', ['pillow']);
    expect(py.check('piII0w')?.target).toBe('pillow');
  });

  it('is an index, not a scan: 1,000 look-ups in well under a second', () => {
    const started = performance.now();
    for (let i = 0; i < 1000; i++) npm?.check(`generated-name-${i}`);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('distance', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(osaDistance('express', 'epxress')).toBe(1);
    expect(osaDistance('express', 'expres')).toBe(1);
    expect(osaDistance('kitten', 'sitting')).toBe(3);
    expect(osaDistance('abc', 'abc')).toBe(0);
    expect(osaDistance('a-very-long-name', 'completely-else', 2)).toBe(3);
  });

  it('deletion keys', () => {
    expect([...deletes('abc', 1)].sort()).toEqual(['ab', 'abc', 'ac', 'bc']);
  });
});
