import { BUILTIN_RULES } from './rules.js';

/**
 * The `.aiprov.yml` that `aiprov init` writes: the defaults spelled out
 * with comments, so that a team reads what the gate does before changing it.
 * Every active line is the default: the file changes nothing until edited.
 */
export function initialConfig(): string {
  const rules = BUILTIN_RULES.map((r) => `#   ${r.id.padEnd(24)} ${r.tier.padEnd(8)} ${r.title}`).join('\n');
  return `# aiprov configuration: https://aiprov.dev (schema: schemas/config.schema.json)
#
# aiprov check reads this file from the BASE revision of a pull request, never
# from the change itself: a pull request cannot loosen its own gate, and a
# change to this file (or to CODEOWNERS) needs a human review like any
# critical-tier change.
version: 1

# Risk rules: where AI-written code needs a person to look before it passes.
# Built in (id, tier, what):
${rules}
risk:
  # Built-in rules that do not apply here:
  disable: []
  # Built-in rules changed by id (the fields given replace the rule's own), e.g.:
  #   auth:
  #     tier: critical
  #     paths: ['src/identity/**', '!src/identity/generated/**']
  override: {}
  # Rules of this repository's own: paths are globs (a leading ! excludes),
  # content patterns (RE2 syntax) match the lines a change adds, e.g.:
  #   - id: payments
  #     tier: critical
  #     title: Payments
  #     rationale: Money moves here; a wrong sign is a refund to everyone.
  #     paths: ['src/payments/**', '!src/payments/fixtures/**']
  #     content: ['\\\\bstripe\\\\.charges\\\\.create\\\\(']
  rules: []

# Which tiers need a human review when an agent wrote the change. Lower tiers
# are reported, not blocked. Only authenticated reviews count (an unsigned
# Reviewed-by: trailer or review note is a claim, shown and never counted):
# the forge's approvals, review/v1 signed by a listed signer (aiprov review
# --key), or Reviewed-by: on a commit signed by the person it names.
review:
  escalate: [critical, high]
  # forge: github                      # or gitlab: the pull request's approvals count
  # signers:                           # keys trusted for reviews only
  #   - { email: riley@example.com, key: .aiprov/riley.pub }
  # allowedSigners: .aiprov/allowed_signers   # SSH: riley@example.com namespaces="git" ssh-ed25519 AAAA...
  # gpgKeys: .aiprov/reviewers.asc             # OpenPGP public keys (gpg --armor --export)

# Dependency audit (aiprov deps audit, and the names a change introduces in
# aiprov check): findings at or above failOn fail.
deps:
  failOn: high
  newPackageDays: 30
  minMonthlyDownloads: 100
  # npm scopes never sent to a registry your npm config does not name for them:
  privateScopes: []
  # A finding accepted for a while, with the reason (it counts again after expires):
  #   - package: left-pad
  #     signals: [low-popularity]
  #     reason: vendored fork, reviewed 2026-11
  #     expires: 2027-05-01
  suppressions: []

# How aiprov check reports: the markdown also goes to the GitHub job summary,
# and a pull-request comment lists so many escalations before counting the rest.
output:
  stepSummary: true
  comment:
    maxHunks: 50
`;
}
