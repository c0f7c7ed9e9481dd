/**
 * A pull (merge) request's approvals as the forge records them: the role
 * `reviewsForRun` plays for the gate (gate/forge-reviews.ts decides which
 * count). Shapes from GitHub's and GitLab's published API descriptions.
 */
export interface ApprovalRecord {
  login: string;
  /** The forge's numeric user id (GitHub's goes into its noreply address). */
  id?: number;
  name?: string;
  /** An app or a project/group access token, as the forge marks it. */
  bot: boolean;
  /** The head commit the approval was given on; undefined when the forge does not tie it to one. */
  commit?: string;
}

export interface PullRequestApprovals {
  /** `GitHub acme/app#12`, `GitLab 42!7`. */
  where: string;
  /** The login of whoever opened it. */
  author: string;
  /** Its head as the forge has it now. */
  head: string;
  approvals: ApprovalRecord[];
  /** How the head an approval was given on is known, said in the report. */
  rule: string;
}

export interface ApprovalsReader {
  readonly forge: 'github' | 'gitlab';
  readonly where: string;
  approvals(): Promise<PullRequestApprovals>;
  /** Whether `login` belongs to the forge team `team` (`org/team-slug` on GitHub, a group path on GitLab). */
  isMember(login: string, team: string): Promise<boolean>;
}

/** What a token needs to read reviews, said when the forge refuses it. */
export const READ_REVIEWS = 'pull-requests: read (GitHub; members: read for teams) or a token with the read_api scope (GitLab)';

/** How long one API call may take: a forge that does not answer makes the gate undecided, not wait for ever. */
export const FORGE_TIMEOUT_MS = 30_000;
