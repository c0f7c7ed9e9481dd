import type { Ecosystem } from '../types.js';

/**
 * Names that exist and are even in wide use, but that people (and agents)
 * write when they mean another package: the typosquat check reports them
 * whatever their popularity, with the package meant. Each entry says why.
 */
export const KNOWN_CONFUSIONS: readonly { ecosystem: Ecosystem; name: string; meant: string; why: string }[] = [
  // PyPI: `beautifulsoup` is Beautiful Soup 3, for Python 2, last released 2019-10; the maintained package is beautifulsoup4.
  {
    ecosystem: 'pypi',
    name: 'beautifulsoup',
    meant: 'beautifulsoup4',
    why: 'Beautiful Soup 3 (Python 2 only, unmaintained); the maintained package is beautifulsoup4',
  },
  // PyPI: `sklearn` is a deprecated placeholder that refuses to install; the package is scikit-learn.
  { ecosystem: 'pypi', name: 'sklearn', meant: 'scikit-learn', why: 'a deprecated placeholder that fails to install; the package is scikit-learn' },
];
