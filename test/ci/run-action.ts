/**
 * Runs the action as the GitHub runner runs a `node24` action: `node
 * action/index.js` in the workspace, its inputs as INPUT_* variables with
 * action.yml's defaults for the ones not given (the runner fills them in), the
 * event payload in a file, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files read
 * back after. The action's own install step is skipped because the clone is
 * installed and built (the global set-up builds dist/).
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

interface ActionYml {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

export async function actionYml(): Promise<ActionYml> {
  return parse(await readFile(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYml;
}

/** GITHUB_OUTPUT's file-command format: `name<<DELIMITER`, the value's lines, `DELIMITER`. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!open?.[1] || !open[2]) continue;
    const end = lines.indexOf(open[2], i + 1);
    outputs[open[1]] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return outputs;
}

export async function runAction(options: {
  workspace: string;
  temp: string;
  event: { name: string; payload: unknown };
  inputs: Record<string, string>;
  env?: NodeJS.ProcessEnv;
}): Promise<ActionRun> {
  const yml = await actionYml();
  await mkdir(options.temp, { recursive: true });
  const files = {
    event: path.join(options.temp, 'event.json'),
    output: path.join(options.temp, 'github-output'),
    summary: path.join(options.temp, 'step-summary.md'),
  };
  await writeFile(files.event, JSON.stringify(options.event.payload));
  await writeFile(files.output, '');
  await writeFile(files.summary, '');
  const inputs: NodeJS.ProcessEnv = {};
  for (const [name, spec] of Object.entries(yml.inputs)) {
    const value = options.inputs[name] ?? (spec.default ?? '').replace('${{ github.token }}', 'ghs_workflow_token');
    inputs[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: options.temp,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event.name,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_WORKSPACE: options.workspace,
    RUNNER_TEMP: options.temp,
    ...inputs,
    ...options.env,
  };
  const child = spawn(process.execPath, [path.join(ROOT, yml.runs.main)], { cwd: options.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number>((resolve) =>
    child.on('close', (c) => {
      resolve(c ?? -1);
    }),
  );
  return { code, stdout, stderr, outputs: parseOutputs(await readFile(files.output, 'utf8')), summary: await readFile(files.summary, 'utf8') };
}
