import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ArtifactLocation, Result, Run } from 'sarif';

/** Why a result is counted apart from the attributed ones: each is reported, never dropped in silence. */
export type ApartReason =
  | 'no-location' // no physical location with a URI (a logical location only, or none)
  | 'bad-uri' // a URI with a raw tab or line break, which URL parsing would drop: it could name another file
  | 'no-region' // a file but no line (the whole file, or offsets only)
  | 'outside-repository' // a URI outside the repository (another directory, another scheme)
  | 'not-in-tree' // inside the repository but not a file of the tree at the revision (build output, untracked, deleted)
  | 'binary' // a binary file: no lines to attribute
  | 'beyond-end' // a line past the end of the file at the revision (a log of another revision)
  | 'suppressed' // suppressed in source or by the scanner (SARIF's suppressions), as code scanning hides it
  | 'absent' // baselineState absent: a finding gone since the baseline
  | 'not-a-failure'; // kind pass, review, informational…: not a finding

export interface Place {
  /** Repository-relative, `/`-separated. */
  path: string;
  startLine: number;
  endLine: number;
}

export type Located = { place: Place } | { apart: ApartReason; uri?: string };

/** Base ids are resolved through `originalUriBaseIds` at most this deep (a cycle ends here instead of looping). */
const BASE_DEPTH = 16;

/**
 * Where a run's results are, as repository paths. SARIF says where a file is by a URI, relative to a base id
 * (`%SRCROOT%`), resolved through the run's `originalUriBaseIds`, or absolute (ESLint's `file:///home/…`). The
 * repository root is where the scanner's checkout was: the base id the run's `versionControlProvenance` maps to
 * the repository when it names one, else `sourceRoot` (the directory the scanner ran in; default the repository's
 * root here). A base id the run does not define is taken as that root, as code scanning does.
 */
export class Locator {
  private readonly root: URL;

  constructor(
    private readonly run: Run,
    sourceRoot: string,
    private readonly inTree: (path: string) => boolean,
  ) {
    this.root = this.mappedRoot() ?? directoryUrl(pathToFileURL(sourceRoot));
  }

  /** The first location of a result (SARIF §3.27.12: the primary one), as a place or the reason it has none. */
  locate(result: Result): Located {
    const physical = result.locations?.[0]?.physicalLocation;
    const artifact = this.artifactOf(physical?.artifactLocation);
    if (artifact?.uri === undefined) return { apart: 'no-location' };
    if (/[\t\n\r]/.test(artifact.uri)) return { apart: 'bad-uri', uri: artifact.uri };
    const resolved = this.path(artifact);
    if (resolved === undefined) return { apart: 'outside-repository', uri: artifact.uri };
    if (!this.inTree(resolved)) return { apart: 'not-in-tree', uri: resolved };
    const start = physical?.region?.startLine;
    if (start === undefined) return { apart: 'no-region', uri: resolved };
    const end = physical?.region?.endLine ?? start;
    return { place: { path: resolved, startLine: start, endLine: Math.max(start, end) } };
  }

  /** The repository paths of the run's artifacts (the files it says it analysed), those in the tree. */
  artifactPaths(): string[] {
    const out: string[] = [];
    for (const artifact of this.run.artifacts ?? []) {
      const location = this.artifactOf(artifact.location);
      const resolved = location?.uri === undefined || /[\t\n\r]/.test(location.uri) ? undefined : this.path(location);
      if (resolved !== undefined && this.inTree(resolved)) out.push(resolved);
    }
    return out;
  }

  /** An artifact location by index takes its URI from the run's artifacts (§3.4.5). */
  private artifactOf(location: ArtifactLocation | undefined): ArtifactLocation | undefined {
    if (location === undefined || location.uri !== undefined || location.index === undefined) return location;
    return this.run.artifacts?.[location.index]?.location;
  }

  /** A location as a repository path, or undefined when it lies outside the repository. */
  private path(location: ArtifactLocation): string | undefined {
    const url = this.url(location.uri ?? '', location.uriBaseId, 0);
    if (url?.protocol !== 'file:') return undefined;
    let absolute: string;
    try {
      absolute = fileURLToPath(url);
    } catch {
      return undefined;
    }
    const relative = path.posix.relative(fileURLToPath(this.root), absolute);
    if (relative === '' || relative === '..' || relative.startsWith('../') || path.posix.isAbsolute(relative)) return undefined;
    return relative;
  }

  private url(uri: string, baseId: string | undefined, depth: number): URL | undefined {
    if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) return parse(uri);
    return parse(uri, this.base(baseId, depth));
  }

  private base(baseId: string | undefined, depth: number): URL {
    const base = baseId === undefined || depth > BASE_DEPTH ? undefined : this.run.originalUriBaseIds?.[baseId];
    if (base?.uri === undefined) return this.root;
    return directoryUrl(this.url(base.uri, base.uriBaseId, depth + 1) ?? this.root);
  }

  /** The base id the run's version control provenance maps its repository to (§3.23.6), when it resolves to a file URL. */
  private mappedRoot(): URL | undefined {
    const id = this.run.versionControlProvenance?.find((v) => v.mappedTo?.uriBaseId !== undefined)?.mappedTo?.uriBaseId;
    const base = id === undefined ? undefined : this.run.originalUriBaseIds?.[id];
    if (base?.uri === undefined || !/^file:/i.test(base.uri)) return undefined;
    const url = parse(base.uri);
    return url ? directoryUrl(url) : undefined;
  }
}

function parse(uri: string, base?: URL): URL | undefined {
  try {
    return new URL(uri, base);
  } catch {
    return undefined;
  }
}

function directoryUrl(url: URL): URL {
  return url.pathname.endsWith('/') ? url : new URL(`${url.href}/`);
}
