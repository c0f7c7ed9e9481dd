import type { ScanWarning } from '../authorship/types.js';
import type { Environment } from '../kernel/environment.js';
import { UsageError } from '../kernel/errors.js';
import type { RepositoryConfig } from '../git/types.js';
import { agentFromEnv, DEFAULT_AGENT_ENV, trailerFor, unknownAgentWarning, type HooksConfig, type TrailerStyle } from './agent-env.js';
import { recordAuthorship, type RecordContext } from './record.js';
import { carryThroughRewrite, parseRewriteInput } from './rewrite.js';
import type { HookName } from './hook-script.js';

/** The part of a Context (context/context.ts) the hooks need: the agent hints come from its environment. */
export interface HookContext extends RecordContext {
  git: RecordContext['git'] & RepositoryConfig;
  config: { hooks?: HooksConfig };
  env: Environment;
}

export interface HookRunOptions {
  context: HookContext;
  /** pre-push is the notes sync's (sync/pre-push.ts). */
  hook: Exclude<HookName, 'pre-push'>;
  /** The hook's arguments (prepare-commit-msg's message file). */
  args: string[];
  /** Standard input of the hook (post-rewrite's old/new pairs). */
  stdin: string;
  trailer?: TrailerStyle;
}

/** What one hook did, for the message the CLI prints (nothing, when it had nothing to do). */
export async function runHook(options: HookRunOptions): Promise<string | undefined> {
  const { context: ctx, hook, args } = options;
  const hints = [...(ctx.config.hooks?.agentEnv ?? []), ...DEFAULT_AGENT_ENV];
  switch (hook) {
    case 'prepare-commit-msg': {
      const [messageFile] = args;
      if (!messageFile) throw new UsageError('prepare-commit-msg: no message file given');
      const found = agentFromEnv(ctx.env.vars, hints);
      const unknown = unknownAgentWarning(ctx.env.vars);
      if (!found) return unknown;
      const trailer = trailerFor(found, options.trailer ?? ctx.config.hooks?.trailer ?? 'assisted-by');
      // git's own trailer code places it, and adds nothing when the same trailer is already there.
      await ctx.git.addTrailer(messageFile, trailer);
      return [unknown, `added "${trailer}" (${found.variable} is set)`].filter((m) => m !== undefined).join('\naiprov: ');
    }
    case 'post-commit': {
      const found = agentFromEnv(ctx.env.vars, hints);
      if (!found) return undefined;
      const result = await recordAuthorship({
        context: ctx,
        agent: found.agent,
        ...(found.name ? { name: found.name } : {}),
        ...(found.model ? { model: found.model } : {}),
      });
      return `recorded ${found.agent} on ${result.commit.slice(0, 12)} in refs/notes/aiprov`;
    }
    case 'post-rewrite': {
      const warnings: ScanWarning[] = [];
      const rewrites = parseRewriteInput(options.stdin, warnings);
      const { written, warnings: carried } = await carryThroughRewrite({ context: ctx, rewrites });
      warnings.push(...carried);
      const lines = warnings.map((w) => `warning: ${w.message}`);
      if (written.length > 0) lines.push(`carried authorship notes onto ${written.length} rewritten commit${written.length === 1 ? '' : 's'}`);
      return lines.length === 0 ? undefined : lines.join('\naiprov: ');
    }
  }
}
