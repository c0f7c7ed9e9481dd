import type { ScanWarning } from '../authorship/types.js';
import type { AiprovConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import type { GitRepository } from '../git/types.js';
import { agentFromEnv, DEFAULT_AGENT_ENV, trailerFor, type TrailerStyle } from './agent-env.js';
import { recordAuthorship } from './record.js';
import { carryThroughRewrite, parseRewriteInput } from './rewrite.js';
import type { HookName } from './hook-script.js';

export interface HookRunContext {
  git: GitRepository;
  config: AiprovConfig;
  env: NodeJS.ProcessEnv;
  /** Standard input of the hook (post-rewrite's old/new pairs). */
  stdin: string;
  trailer?: TrailerStyle;
}

/** What one hook did, for the message the CLI prints (nothing, when it had nothing to do). */
export async function runHook(hook: HookName, args: string[], ctx: HookRunContext): Promise<string | undefined> {
  const hints = [...(ctx.config.hooks?.agentEnv ?? []), ...DEFAULT_AGENT_ENV];
  switch (hook) {
    case 'prepare-commit-msg': {
      const [messageFile] = args;
      if (!messageFile) throw new UsageError('prepare-commit-msg: no message file given');
      const found = agentFromEnv(ctx.env, hints);
      if (!found) return undefined;
      const trailer = trailerFor(found, ctx.trailer ?? ctx.config.hooks?.trailer ?? 'assisted-by');
      // git's own trailer code places it, and adds nothing when the same trailer is already there.
      await ctx.git.addTrailer(messageFile, trailer);
      return `added "${trailer}" (${found.variable} is set)`;
    }
    case 'post-commit': {
      const found = agentFromEnv(ctx.env, hints);
      if (!found) return undefined;
      const result = await recordAuthorship({ git: ctx.git, agent: found.agent, ...(found.name ? { name: found.name } : {}), ...(found.model ? { model: found.model } : {}) });
      return `recorded ${found.agent} on ${result.commit.slice(0, 12)} in refs/notes/aiprov`;
    }
    case 'post-rewrite': {
      const warnings: ScanWarning[] = [];
      const written = await carryThroughRewrite(ctx.git, parseRewriteInput(ctx.stdin, warnings), warnings);
      const lines = warnings.map((w) => `warning: ${w.message}`);
      if (written.length > 0) lines.push(`carried authorship notes onto ${written.length} rewritten commit${written.length === 1 ? '' : 's'}`);
      return lines.length === 0 ? undefined : lines.join('\naiprov: ');
    }
  }
}
