import { compareStrings } from '../kernel/sorted.js';
import type { TreeNode } from './types.js';
import { SEVERITIES, type Severity } from '../policy/severity.js';

export interface FileFacts {
  path: string;
  lines: number;
  aiLines: number;
  rules: { id: string; tier: Severity }[];
}

export function higherSeverity(a: Severity | undefined, b: Severity | undefined): Severity | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  // SEVERITIES runs from critical down.
  return SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b) ? a : b;
}

/**
 * The tree of the files, each directory with the sums of what is under it.
 * A large tree would make a page nobody can load: past `budget` files, the
 * smallest ones of each directory are folded into one leaf (`N more files`)
 * with their sums, except files under a risk rule, which always stay visible.
 */
export function buildTree(files: readonly FileFacts[], budget: number): TreeNode {
  const keep = new Set(
    [...files]
      .sort((a, b) => b.lines - a.lines || compareStrings(a.path, b.path))
      .slice(0, budget)
      .map((f) => f.path),
  );
  for (const f of files) if (f.rules.length > 0) keep.add(f.path);
  const root: TreeNode = { name: '', path: '', lines: 0, aiLines: 0, files: 0, children: [] };
  const dirs = new Map<string, TreeNode>([['', root]]);
  const folded = new Map<string, TreeNode>();
  const dirOf = (dirPath: string): TreeNode => {
    const found = dirs.get(dirPath);
    if (found) return found;
    const slash = dirPath.lastIndexOf('/');
    const parent = dirOf(slash < 0 ? '' : dirPath.slice(0, slash));
    const node: TreeNode = { name: dirPath.slice(slash + 1), path: dirPath, lines: 0, aiLines: 0, files: 0, children: [] };
    parent.children?.push(node);
    dirs.set(dirPath, node);
    return node;
  };
  for (const f of files) {
    const slash = f.path.lastIndexOf('/');
    const dirPath = slash < 0 ? '' : f.path.slice(0, slash);
    const dir = dirOf(dirPath);
    if (keep.has(f.path)) {
      const risk = f.rules.reduce<Severity | undefined>((t, r) => higherSeverity(t, r.tier), undefined);
      dir.children?.push({
        name: f.path.slice(slash + 1),
        path: f.path,
        lines: f.lines,
        aiLines: f.aiLines,
        files: 1,
        ...(risk ? { risk, rules: f.rules.map((r) => r.id).sort(compareStrings) } : {}),
      });
      continue;
    }
    let leaf = folded.get(dirPath);
    if (!leaf) {
      leaf = { name: '', path: dirPath === '' ? '(more files)' : `${dirPath}/(more files)`, lines: 0, aiLines: 0, files: 0, folded: true };
      folded.set(dirPath, leaf);
      dir.children?.push(leaf);
    }
    leaf.lines += f.lines;
    leaf.aiLines += f.aiLines;
    leaf.files++;
  }
  for (const leaf of folded.values()) leaf.name = `(${leaf.files} more file${leaf.files === 1 ? '' : 's'})`;
  sumUp(root);
  return root;
}

function sumUp(node: TreeNode): void {
  if (!node.children) return;
  node.lines = 0;
  node.aiLines = 0;
  node.files = 0;
  for (const child of node.children) {
    sumUp(child);
    node.lines += child.lines;
    node.aiLines += child.aiLines;
    node.files += child.files;
    const risk = higherSeverity(node.risk, child.risk);
    if (risk) node.risk = risk;
  }
  node.children.sort((a, b) => b.lines - a.lines || compareStrings(a.path, b.path));
}
