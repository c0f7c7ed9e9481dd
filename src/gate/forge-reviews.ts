import type { AnalyserFactory } from '../authorship/analyse.js';
import { AiprovError } from '../kernel/errors.js';
import { agentOf, type Review } from './coverage.js';

/** One approval as the forge records it (ci/ reads GitHub's and GitLab's APIs into this). */
export interface ForgeApproval {
  login: string;
  id?: number;
  name?: string;
  bot: boolean;
  /** The head commit it was given on; undefined when the forge does not tie it to one. */
  commit?: string;
}

/** The role: a pull (merge) request's approvals on its forge, and the forge's teams. */
export interface ForgeApprovals {
  readonly forge: 'github' | 'gitlab';
  readonly where: string;
  approvals(): Promise<{ where: string; author: string; head: string; approvals: ForgeApproval[]; rule: string }>;
  isMember(login: string, team: string): Promise<boolean>;
}

/**
 * The forge's approvals as reviews. One counts for the head being judged
 * only when it was given on that head (a later push needs a new approval, as
 * GitHub's "dismiss stale approvals"), and never from the pull request's
 * author, a bot, or an identity an agent signature matches. A forge that
 * cannot be read is `unread`: the gate then cannot decide whatever waits.
 */
export async function forgeReviews(forge: ForgeApprovals, head: string, analyser: AnalyserFactory): Promise<{ reviews: Review[]; unread: string[] }> {
  let record: Awaited<ReturnType<ForgeApprovals['approvals']>>;
  try {
    record = await forge.approvals();
  } catch (error) {
    if (error instanceof AiprovError) return { reviews: [], unread: [`the approvals of ${forge.where} could not be read (${error.message})`] };
    throw error;
  }
  const reviews = record.approvals.map((a): Review => {
    const login = a.login.toLowerCase();
    const noreply = forge.forge === 'github' && a.id !== undefined ? `${a.id}+${login}@users.noreply.github.com` : '';
    const agent = agentOf({ name: a.login, email: noreply }, analyser);
    const rejected = a.bot
      ? 'a bot cannot review'
      : agent !== undefined
        ? `an agent (${agent}) cannot review`
        : login === record.author.toLowerCase()
          ? "the pull request's author cannot approve it"
          : a.commit === undefined
            ? `not tied to a head: ${record.rule}`
            : a.commit !== head
              ? `given on ${a.commit.slice(0, 12)}, not on the head ${head.slice(0, 12)}: a push since needs a new approval`
              : undefined;
    return {
      commit: head,
      reviewer: a.name !== undefined && a.name !== '' ? `${a.name} (@${a.login})` : `@${a.login}`,
      via: 'forge',
      names: [`@${login}`, ...(noreply !== '' ? [noreply] : [])],
      ...(rejected !== undefined ? { rejected } : {}),
    };
  });
  return { reviews, unread: [] };
}

/**
 * The forge teams (`@org/team`) a requirement names, added to the names of
 * each counted forge review whose reviewer belongs to them; a membership the
 * forge would not tell is unread (could not decide), never assumed.
 */
export async function forgeTeams(forge: ForgeApprovals, reviews: Review[], named: ReadonlySet<string>): Promise<string[]> {
  const teams = [...named].filter((n) => /^@[^/]+\/.+/.test(n));
  const unread: string[] = [];
  for (const review of reviews) {
    if (review.via !== 'forge' || review.rejected !== undefined) continue;
    const login = review.names[0]?.slice(1) ?? '';
    for (const team of teams) {
      try {
        if (await forge.isMember(login, team.slice(1))) review.names.push(team);
      } catch (error) {
        if (!(error instanceof AiprovError)) throw error;
        unread.push(`whether @${login} is in ${team} could not be read (${error.message})`);
      }
    }
  }
  return unread;
}
