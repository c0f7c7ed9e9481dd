import type { Lookup, PackageInfo, PackageRegistry } from '../deps/registry/types.js';

/**
 * The registry the demo asks: a handful of npm packages held in memory, so
 * that the demo's dependency audit runs offline and the same everywhere. It
 * answers as the npm registry would for the sample's names: `express` is an
 * old, popular package; the name the agent made up does not exist.
 */
const PACKAGES: Record<string, PackageInfo> = {
  express: {
    name: 'express',
    latest: '5.2.0',
    versionCount: 287,
    unpublished: false,
    securityHolding: false,
    created: '2010-12-29T19:38:25.450Z',
    monthlyDownloads: 300_000_000,
    installScripts: [],
    repository: 'git+https://github.com/expressjs/express.git',
    deprecated: null,
  },
  // The pull request's misspelling: a name one letter from express, published last month, with an install script.
  expres: {
    name: 'expres',
    latest: '1.0.0',
    versionCount: 1,
    unpublished: false,
    securityHolding: false,
    created: '2026-10-20T08:00:00.000Z',
    monthlyDownloads: 41,
    installScripts: ['postinstall'],
    repository: null,
    deprecated: null,
  },
};

export const demoRegistry: PackageRegistry = {
  ecosystem: 'npm',
  origin: 'aiprov-demo',
  lookup(name: string): Promise<Lookup> {
    const info = PACKAGES[name];
    return Promise.resolve(info ? { status: 'found', info } : { status: 'not-found' });
  },
};
