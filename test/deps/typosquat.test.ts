import { describe, expect, it } from 'vitest';
import { deletes, osaDistance } from '../../src/deps/typosquat/distance.js';
import { readFileSync } from 'node:fs';
import { shippedIndex, TyposquatIndex, typoOf, ultranormalize } from '../../src/deps/typosquat/index.js';
import { judgeTyposquat } from '../../src/deps/typosquat/judge.js';
import { shippedPopularity } from '../../src/deps/typosquat/popularity.js';

const npm = shippedIndex('npm');
const pypi = shippedIndex('pypi');

describe('the shipped popularity data', () => {
  it('protects the 10,000 most downloaded names of npm and PyPI', () => {
    for (const name of ['express', 'react', 'lodash', 'cross-env', '@types/node', 'typescript-eslint']) expect(npm?.isTarget(name), name).toBe(true);
    for (const name of ['requests', 'numpy', 'PyYAML', 'python-dateutil']) expect(pypi?.isTarget(name), name).toBe(true);
    expect(shippedIndex('go')).toBeUndefined();
  });

  it('knows far more names than it protects, with downloads for npm; security holding packages are not among them', () => {
    const popularity = shippedPopularity('npm');
    expect(popularity?.ranked.length).toBeGreaterThan(200_000);
    expect(popularity?.downloads('graphiql')).toBeGreaterThan(1_000_000);
    expect(popularity?.rank('JSONStream')).toBeDefined();
    expect(popularity?.rank('crossenv')).toBeUndefined();
    expect(shippedPopularity('pypi')?.ranked.length).toBeGreaterThan(14_000);
  });
});

const now = new Date('2026-11-22T00:00:00Z');
const judge = (ecosystem: 'npm' | 'pypi', name: string) => judgeTyposquat({ ecosystem, name, now });

describe('typosquat judgement (issue 8, item 15)', () => {
  const corpus = (
    JSON.parse(readFileSync(new URL('../../fixtures/typosquat-corpus.json', import.meta.url), 'utf8')) as {
      cases: { ecosystem: 'npm' | 'pypi'; name: string; meant: string }[];
    }
  ).cases;
  it.each(corpus.map((c) => [c.ecosystem, c.name, c.meant] as const))('%s: %s is a typosquat of %s, high', (ecosystem, name, meant) => {
    expect(judge(ecosystem, name)).toMatchObject({ target: meant, severity: 'high' });
  });

  it.each([
    'graphiql',
    'pg-promise',
    'cuid',
    'urql',
    '@storybook/builder-webpack4',
    'esbuild-linux-arm64',
    '@types/clone',
    're2js',
    'rollup-plugin-babel',
    'koa-router',
    'uuidv4',
    'jsx-ast-utils-x',
    'lodash.pad',
    '@aws-sdk/client-acm',
    'hash-wasm',
  ])('npm: the established %s is not flagged', (name) => {
    expect(judge('npm', name)).toBeUndefined();
  });

  it("the same scope is its owner's; words of three letters have no budget; a different first letter is a different word", () => {
    expect(typoOf('@types/clone', '@types/long')).toBe(false);
    expect(typoOf('@types/nodee', '@types/node')).toBe(false);
    expect(typoOf('pg-promise', 'is-promise')).toBe(false);
    expect(typoOf('cuid', 'uuid')).toBe(false);
    expect(typoOf('expres', 'express')).toBe(true);
    expect(typoOf('raect', 'react')).toBe(true);
    expect(typoOf('numpi', 'numpy')).toBe(true);
    // A letter far from its neighbours, in a short word, is another word.
    expect(typoOf('gate', 'gaze')).toBe(false);
    expect(typoOf('inquirer2', 'inquirer')).toBe(false);
  });

  it('registry evidence of an established package lowers the finding to medium, never clears it', () => {
    const info = {
      name: 'colon-names',
      versionCount: 40,
      unpublished: false,
      securityHolding: false,
      created: '2015-01-01T00:00:00Z',
      repository: 'https://github.com/x/colon-names',
    };
    expect(judgeTyposquat({ ecosystem: 'npm', name: 'lodahs', info, now })).toMatchObject({
      target: 'lodash',
      severity: 'medium',
      established: expect.stringContaining('40 versions') as unknown,
    });
    expect(judgeTyposquat({ ecosystem: 'npm', name: 'lodahs', info: { ...info, versionCount: 3 }, now })).toMatchObject({ severity: 'high' });
    // Downloads from the registry weigh like the shipped ones.
    expect(judgeTyposquat({ ecosystem: 'npm', name: 'lodahs', info: { ...info, versionCount: 3, monthlyDownloads: 5_000_000 }, now })).toBeUndefined();
  });
});

describe('typosquat look-ups', () => {
  it.each([
    ['npm', 'expres', 'express'],
    ['npm', 'expresss', 'express'],
    ['npm', 'epxress', 'express'],
    ['npm', 'lodahs', 'lodash'],
    ['npm', 'electorn', 'electron'],
    ['npm', 'crossenv', 'cross-env'],
    ['npm', 'cross_env', 'cross-env'],
    ['npm', 'types-node', '@types/node'],
    ['npm', 'typscript-eslint', 'typescript-eslint'],
    ['npm', 'typescritp-eslnt', 'typescript-eslint'],
    ['npm', 'lodash-js', 'lodash'],
    ['npm', 'node-axios', 'axios'],
    ['pypi', 'reqeusts', 'requests'],
    ['pypi', 'python-requests', 'requests'],
    ['pypi', 'requests-py', 'requests'],
    ['pypi', 'numpi', 'numpy'],
    ['pypi', 'request5', 'requests'],
  ] as const)('%s: %s looks like %s', (eco, name, target) => {
    expect((eco === 'npm' ? npm : pypi)?.check(name)?.target).toBe(target);
  });

  it.each([
    ['npm', 'express'],
    ['npm', 'react-dom'],
    ['npm', '@types/node'],
    ['npm', 'zod'],
    ['npm', 'ms'],
    ['npm', 'my-company-internal-tool'],
    ['npm', '@acme-corp/brand-new-sdk'],
    ['pypi', 'requests'],
    ['pypi', 'PyYAML'],
    ['pypi', 'Flask'],
    ['pypi', 'python_dateutil'],
    ['pypi', 'a-totally-unrelated-name'],
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
