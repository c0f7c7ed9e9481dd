import type { Severity } from '../policy/severity.js';
/**
 * The built-in risk rules: where AI-written code needs a person to look
 * before it passes the gate. Each has an id, a tier, a one-line rationale,
 * the files it covers (globs; `!` excludes) and the added lines it covers
 * (patterns, on lines the change adds), and the control objectives it
 * serves. The Project CodeGuard rule named is the one that should have
 * guided the agent while it wrote (cosai-oasis/project-codeguard,
 * sources/rules/); ours check what it wrote.
 *
 * Control ids: NIST SSDF 1.1 practices; OWASP ASVS 5.0 chapters; SLSA 1.1
 * tracks; SOC 2 common criteria; ISO/IEC 27001:2022 Annex A; CoSAI risk-map
 * ids (cosai-oasis/secure-ai-tooling, risk-map/yaml/risks.yaml); OWASP
 * AISVS 1.0 appendix C (AI for code generation).
 */

export interface Controls {
  ssdf: string[];
  asvs: string[];
  slsa: string[];
  soc2: string[];
  iso27001: string[];
  cosai: string[];
  aisvs: string[];
  codeguard: string[];
}

export interface RiskRule {
  id: string;
  tier: Severity;
  title: string;
  /** Why AI-written code here needs a person: one line. */
  rationale: string;
  /** Files the rule covers whatever their content (globs; a leading `!` excludes a file from the rule altogether). */
  paths: string[];
  /** Added lines the rule covers in any file it does not exclude (regular expressions). */
  content: string[];
  /** Covers the change whoever wrote it, deletions too (the gate's own configuration): not only AI-written lines. */
  anyAuthor?: boolean;
  controls: Controls;
}

/** Tests, fixtures and prose: AI-written changes there are not what the rules are about. */
const NOT_CODE = [
  '!**/test/**',
  '!**/tests/**',
  '!**/__tests__/**',
  '!**/spec/**',
  '!**/fixtures/**',
  '!**/*.test.*',
  '!**/*.spec.*',
  '!**/*_test.go',
  '!**/test_*.py',
  '!**/*_test.py',
  '!**/*.md',
  '!**/*.txt',
  '!**/*.rst',
];

const REVIEW = { ssdf: ['PW.7.2'], slsa: ['Source L4 (two-party review)'], soc2: ['CC8.1'], iso: ['A.8.28', 'A.8.32'], aisvs: ['AC.4.1', 'AC.4.4'] };

export const BUILTIN_RULES: readonly RiskRule[] = [
  {
    id: 'auth',
    tier: 'high',
    title: 'Authentication and authorisation',
    rationale: 'Who may do what: an AI slip here (a missing check, a weak comparison) is an access-control hole, and tests rarely catch it.',
    paths: [
      '**/{auth,authn,authz,authentication,authorization,authorisation,oauth,oidc,sso,rbac,acl,permissions,sessions,login}/**',
      '**/{auth,authn,authz,authentication,authorization,authorisation,oauth,oidc,sso,rbac,acl,permission,permissions,session,sessions,login,logout,signin,signup,password,passwords,jwt,middleware-auth}.*',
      '**/*[._-]{auth,authn,authz,oauth,session,login,password,jwt,permissions,rbac,acl}.*',
      '**/{auth,oauth,session,login,password,jwt}[._-]*',
      // CamelCase names: AuthController.js, SessionService.java, PasswordHelper.cs.
      '**/{auth,oauth,session,login,password,jwt,permission,rbac,acl}{controller,service,handler,middleware,provider,manager,guard,filter,strategy,helper,helpers,util,utils,module}.*',
      ...NOT_CODE,
    ],
    content: [
      String.raw`\bjwt\.(sign|verify|decode)\(`,
      String.raw`\b(passport\.(use|authenticate)|bcrypt\.(compare|hash)|argon2\.(verify|hash)|check_password|verify_password|verifyPassword|checkPassword)\b`,
      String.raw`(@PreAuthorize|@Secured|@RolesAllowed|@login_required|@permission_required|\[Authorize\b)`,
      String.raw`\b(isAdmin|is_admin|hasRole|has_role|hasPermission|has_permission)\s*[(=]`,
    ],
    controls: {
      ssdf: ['PW.1.1', ...REVIEW.ssdf],
      asvs: ['V6 Authentication', 'V8 Authorization', 'V7 Session Management'],
      slsa: REVIEW.slsa,
      soc2: ['CC6.1', ...REVIEW.soc2],
      iso27001: ['A.5.15', 'A.8.5', ...REVIEW.iso],
      cosai: ['riskInsecureModelOutput'],
      aisvs: REVIEW.aisvs,
      codeguard: ['core/codeguard-0-authentication-mfa', 'core/codeguard-0-authorization-access-control', 'core/codeguard-0-session-management-and-cookies'],
    },
  },
  {
    id: 'crypto',
    tier: 'high',
    title: 'Cryptography',
    rationale: 'Agents reproduce outdated or misused primitives (ECB, MD5, static IVs, Math.random for secrets) that look correct and are not.',
    paths: ['**/{crypto,cryptography,encryption,kms}/**', '**/*crypt*.*', '**/*{cipher,hmac,signing}*.*', ...NOT_CODE],
    content: [
      String.raw`\b(createCipheriv|createDecipheriv|createHmac|createSign|createVerify|generateKeyPair(Sync)?|pbkdf2(Sync)?|scryptSync)\(`,
      String.raw`\bcrypto\.subtle\.`,
      String.raw`\b(Cipher\.getInstance|MessageDigest\.getInstance|SecretKeySpec|KeyGenerator\.getInstance)\(`,
      String.raw`\b(hashlib\.(md5|sha1)|from cryptography|from Crypto\.|import javax\.crypto)\b`,
      String.raw`\b(AES|DES|RC4|Blowfish)[/_-]?(ECB|CBC)?\b.*\b(encrypt|decrypt|mode)`,
    ],
    controls: {
      ssdf: ['PW.5.1', ...REVIEW.ssdf],
      asvs: ['V11 Cryptography'],
      slsa: REVIEW.slsa,
      soc2: ['CC6.1', 'CC6.7', ...REVIEW.soc2],
      iso27001: ['A.8.24', ...REVIEW.iso],
      cosai: ['riskInsecureModelOutput'],
      aisvs: REVIEW.aisvs,
      codeguard: ['core/codeguard-1-crypto-algorithms', 'core/codeguard-0-additional-cryptography'],
    },
  },
  {
    id: 'deserialization',
    tier: 'high',
    title: 'Deserialisation of untrusted data',
    rationale: 'Loading objects from bytes (pickle, unsafe YAML, Java serialisation) runs code chosen by whoever wrote the bytes.',
    paths: [...NOT_CODE],
    content: [
      String.raw`\b(pickle|cPickle|dill|jsonpickle|marshal)\.loads?\(`,
      String.raw`\byaml\.(load|unsafe_load|full_load)\(`,
      String.raw`\b(ObjectInputStream|XMLDecoder|BinaryFormatter|NetDataContractSerializer|LosFormatter)\b`,
      String.raw`\b(unserialize|Marshal\.load|YAML\.unsafe_load)\(`,
      String.raw`require\(['"](node-serialize|serialize-to-js)['"]\)`,
    ],
    controls: {
      ssdf: ['PW.5.1', ...REVIEW.ssdf],
      asvs: ['V1 Encoding and Sanitization (safe deserialization)'],
      slsa: REVIEW.slsa,
      soc2: REVIEW.soc2,
      iso27001: REVIEW.iso,
      cosai: ['riskInsecureModelOutput', 'riskMaliciousLoaderDeserialization'],
      aisvs: REVIEW.aisvs,
      codeguard: ['core/codeguard-0-xml-and-serialization', 'owasp/codeguard-0-deserialization'],
    },
  },
  {
    id: 'process-execution',
    tier: 'high',
    title: 'Process execution and dynamic code',
    rationale: 'Shell commands and eval built from data are command injection; agents reach for them to get something working.',
    paths: [...NOT_CODE],
    content: [
      String.raw`\bchild_process\b`,
      String.raw`(^|[^.\w])(execSync|execFileSync|spawnSync|execFile)\(`,
      String.raw`\b(subprocess\.(run|call|Popen|check_output|check_call)|os\.(system|popen|exec[lv]p?e?))\(`,
      String.raw`\bshell\s*=\s*True\b`,
      String.raw`\b(Runtime\.getRuntime\(\)\.exec|new ProcessBuilder|exec\.Command)\(`,
      String.raw`(^|[^.\w])eval\(|\bnew Function\(`,
    ],
    controls: {
      ssdf: ['PW.5.1', ...REVIEW.ssdf],
      asvs: ['V1 Encoding and Sanitization (OS command injection)'],
      slsa: REVIEW.slsa,
      soc2: REVIEW.soc2,
      iso27001: REVIEW.iso,
      cosai: ['riskInsecureModelOutput', 'riskRogueActions'],
      aisvs: REVIEW.aisvs,
      codeguard: ['core/codeguard-0-input-validation-injection', 'owasp/codeguard-0-os-command-injection-defense'],
    },
  },
  {
    id: 'sql-strings',
    tier: 'high',
    title: 'SQL built from strings',
    rationale: 'A query assembled by concatenation or interpolation is SQL injection; parameters are the fix agents often skip.',
    paths: [...NOT_CODE],
    content: [
      String.raw`(?i)\b(SELECT|INSERT|UPDATE|DELETE)\b[^;]*(\$\{|["'\x60]\s*\+\s*[A-Za-z_(]|%s["']\s*%|\{[A-Za-z_][A-Za-z0-9_.]*\})`,
      String.raw`\.(query|execute|raw|exec)\(\s*(f["']|\x60[^\x60]*\$\{|["'][^"']*["']\s*\+)`,
      String.raw`\.(execute|raw)\(\s*["'][^"']*["']\s*(%|\.format\()`,
    ],
    controls: {
      ssdf: ['PW.5.1', ...REVIEW.ssdf],
      asvs: ['V1 Encoding and Sanitization (injection prevention)'],
      slsa: REVIEW.slsa,
      soc2: REVIEW.soc2,
      iso27001: REVIEW.iso,
      cosai: ['riskInsecureModelOutput'],
      aisvs: REVIEW.aisvs,
      codeguard: ['core/codeguard-0-input-validation-injection', 'owasp/codeguard-0-sql-injection-prevention'],
    },
  },
  {
    id: 'file-access-from-input',
    tier: 'high',
    title: 'File-system access from user input',
    rationale: 'A path taken from a request is path traversal unless it is confined; agents join paths without confining them.',
    paths: [...NOT_CODE],
    content: [
      String.raw`\b(readFile|readFileSync|writeFile|writeFileSync|createReadStream|createWriteStream|unlink|sendFile|send_file|open|join|resolve)\([^)]*\b(req|request)\.(params|query|body|args|form|files?|GET|POST)\b`,
      String.raw`\bsend_from_directory\([^)]*\brequest\.`,
    ],
    controls: {
      ssdf: ['PW.5.1', ...REVIEW.ssdf],
      asvs: ['V5 File Handling'],
      slsa: REVIEW.slsa,
      soc2: REVIEW.soc2,
      iso27001: REVIEW.iso,
      cosai: ['riskInsecureModelOutput'],
      aisvs: REVIEW.aisvs,
      codeguard: ['core/codeguard-0-file-handling-and-uploads'],
    },
  },
  {
    id: 'network-boundary',
    tier: 'medium',
    title: 'Network servers and clients',
    rationale: 'New listeners and outbound calls move the trust boundary (exposure, SSRF); worth a look, not a block on their own.',
    paths: [...NOT_CODE],
    content: [
      String.raw`\b(http|https|http2|net|tls|dgram)\.create(Server|SecureServer|Socket)\(`,
      String.raw`\.listen\(\s*(process\.env\.|\d{2,5}\b|port\b|PORT\b)`,
      String.raw`\b(requests\.(get|post|put|delete|patch|request)|urllib\.request\.urlopen|httpx\.(get|post|Client))\(`,
      String.raw`\b(socket\.socket|new WebSocketServer|http\.ListenAndServe)\(`,
    ],
    controls: {
      ssdf: ['PW.1.1'],
      asvs: ['V4 API and Web Service', 'V12 Secure Communication'],
      slsa: [],
      soc2: ['CC6.6'],
      iso27001: ['A.8.20', 'A.8.28'],
      cosai: ['riskInsecureModelOutput'],
      aisvs: ['AC.4.2'],
      codeguard: ['core/codeguard-0-api-web-services', 'owasp/codeguard-0-server-side-request-forgery-prevention'],
    },
  },
  {
    id: 'infrastructure-as-code',
    tier: 'high',
    title: 'Infrastructure as code',
    rationale: 'One line of Terraform, Kubernetes or Dockerfile can open a bucket, a port or root to the world.',
    paths: [
      '**/*.tf',
      '**/*.tfvars',
      '**/*.bicep',
      '**/Dockerfile',
      '**/Dockerfile.*',
      '**/*.dockerfile',
      '**/{docker-compose,compose}*.{yml,yaml}',
      '**/{k8s,kubernetes,helm,charts,manifests,kustomize}/**/*.{yml,yaml,json,tpl}',
      '**/kustomization.{yml,yaml}',
      '**/{cloudformation,cfn}/**',
      '**/Pulumi*.{yml,yaml}',
      '**/*.template.{json,yaml,yml}',
    ],
    content: [],
    controls: {
      ssdf: ['PO.5.2', 'PW.9.1', ...REVIEW.ssdf],
      asvs: ['V13 Configuration'],
      slsa: REVIEW.slsa,
      soc2: ['CC7.1', ...REVIEW.soc2],
      iso27001: ['A.8.9', ...REVIEW.iso],
      cosai: ['riskInsecureModelOutput'],
      aisvs: ['AC.7.1', 'AC.7.2', 'AC.7.3'],
      codeguard: ['core/codeguard-0-iac-security', 'core/codeguard-0-cloud-orchestration-kubernetes', 'core/codeguard-0-devops-ci-cd-containers'],
    },
  },
  {
    id: 'ci-configuration',
    tier: 'critical',
    title: 'CI configuration',
    rationale: 'Pipelines hold the secrets and sign the releases: a workflow change is a change to who can publish what.',
    paths: [
      '.github/workflows/**',
      '.github/actions/**',
      '**/action.{yml,yaml}',
      '.gitlab-ci.yml',
      '.gitlab/**',
      '**/Jenkinsfile',
      '.circleci/**',
      '.buildkite/**',
      'azure-pipelines.yml',
      '.azure-pipelines/**',
      'bitbucket-pipelines.yml',
      '.travis.yml',
      '.drone.yml',
      '.tekton/**',
    ],
    content: [],
    controls: {
      ssdf: ['PO.3.2', 'PO.5.1', ...REVIEW.ssdf],
      asvs: ['V13 Configuration'],
      slsa: ['Build L2 (hosted build platform)', ...REVIEW.slsa],
      soc2: ['CC8.1', 'CC6.8'],
      iso27001: ['A.8.25', ...REVIEW.iso],
      cosai: ['riskRogueActions', 'riskModelSourceTampering'],
      aisvs: ['AC.7.4', 'AC.12.5'],
      codeguard: ['core/codeguard-0-devops-ci-cd-containers', 'owasp/codeguard-0-ci-cd-security'],
    },
  },
  {
    id: 'dependency-manifests',
    tier: 'high',
    title: 'Dependency manifests',
    rationale: "A dependency an agent adds runs with the application's rights; hallucinated and typosquatted names are how slopsquatting lands.",
    paths: [
      '**/package.json',
      '**/package-lock.json',
      '**/npm-shrinkwrap.json',
      '**/yarn.lock',
      '**/pnpm-lock.yaml',
      '**/requirements*.txt',
      '**/pyproject.toml',
      '**/Pipfile',
      '**/Pipfile.lock',
      '**/poetry.lock',
      '**/uv.lock',
      '**/setup.py',
      '**/setup.cfg',
      '**/go.mod',
      '**/go.sum',
      '**/Cargo.toml',
      '**/Cargo.lock',
      '**/Gemfile',
      '**/Gemfile.lock',
      '**/pom.xml',
      '**/build.gradle',
      '**/build.gradle.kts',
      '**/*.csproj',
      '**/packages.config',
      '**/composer.json',
    ],
    content: [],
    controls: {
      ssdf: ['PW.4.1', 'PW.4.4', ...REVIEW.ssdf],
      asvs: ['V15 Secure Coding and Architecture (dependencies)'],
      slsa: REVIEW.slsa,
      soc2: ['CC8.1', 'CC9.2'],
      iso27001: ['A.5.21', ...REVIEW.iso],
      cosai: ['riskInsecureIntegratedComponent', 'riskToolSourceProvenance'],
      aisvs: ['AC.13.3', 'AC.4.2'],
      codeguard: ['core/codeguard-0-supply-chain-security', 'owasp/codeguard-0-npm-security'],
    },
  },
  {
    id: 'secrets-configuration',
    tier: 'critical',
    title: 'Secrets and credentials configuration',
    rationale: 'Key files, environment files and registry credentials decide who holds what; an agent should not be writing them unseen.',
    paths: [
      '**/.env',
      '**/.env.*',
      '!**/.env.example',
      '!**/.env.sample',
      '!**/.env.template',
      '!**/.env.dist',
      '**/*.pem',
      '**/*.key',
      '**/*.p12',
      '**/*.pfx',
      '**/id_rsa*',
      '**/id_ed25519*',
      '**/.npmrc',
      '**/.pypirc',
      '**/.netrc',
      '**/.aws/**',
      '**/{credentials,secrets}.{json,yml,yaml,toml,ini}',
      '**/{secrets,vault}/**',
    ],
    content: [],
    controls: {
      ssdf: ['PO.5.2', 'PS.1.1', ...REVIEW.ssdf],
      asvs: ['V13 Configuration (secret management)'],
      slsa: REVIEW.slsa,
      soc2: ['CC6.1', 'CC6.7'],
      iso27001: ['A.5.17', 'A.8.12', ...REVIEW.iso],
      cosai: ['riskSensitiveDataDisclosure'],
      aisvs: ['AC.3.1', 'AC.4.2'],
      codeguard: ['core/codeguard-1-hardcoded-credentials'],
    },
  },
  {
    id: 'repository-automation',
    tier: 'critical',
    title: 'Code that runs on checkout, install or open',
    rationale:
      "Files that make a developer's machine or CI run code or fetch from elsewhere when the repository is cloned, installed or opened: a change here runs before anyone reads it.",
    paths: [
      '.gitmodules',
      '**/.npmrc',
      '**/.yarnrc',
      '**/.yarnrc.yml',
      '**/.pnpmfile.cjs',
      '**/.pnpmfile.js',
      '.husky/**',
      '.githooks/**',
      '.git-hooks/**',
      '**/lefthook.yml',
      '**/lefthook-local.yml',
      '**/.lefthook.yml',
      '**/.pre-commit-config.yaml',
      '.devcontainer/**',
      '**/.devcontainer.json',
      '.vscode/tasks.json',
      '.vscode/settings.json',
      '.vscode/launch.json',
      '.envrc',
      '.gitattributes',
    ],
    content: [
      // package.json lifecycle scripts that run on install (npm, yarn, pnpm): `"postinstall": "…"`.
      String.raw`"(preinstall|install|postinstall|prepare|prepublish|preprepare|postprepare)"\s*:\s*"`,
      // Editor tasks that run when the folder opens, dev containers' lifecycle commands.
      String.raw`"runOn"\s*:\s*"folderOpen"`,
      String.raw`"(postCreateCommand|postStartCommand|postAttachCommand|onCreateCommand|updateContentCommand|initializeCommand)"\s*:`,
    ],
    controls: {
      ssdf: ['PO.3.2', 'PS.1.1', ...REVIEW.ssdf],
      asvs: ['V13 Configuration', 'V15 Secure Coding and Architecture'],
      slsa: ['Build L3 (isolated build)', ...REVIEW.slsa],
      soc2: ['CC8.1', 'CC6.8'],
      iso27001: ['A.8.9', 'A.8.19', ...REVIEW.iso],
      cosai: ['riskRogueActions', 'riskModelSourceTampering'],
      aisvs: ['AC.7.4', 'AC.12.5'],
      codeguard: ['core/codeguard-0-devops-ci-cd-containers', 'core/codeguard-0-supply-chain-security'],
    },
  },
  {
    id: 'gate-configuration',
    tier: 'critical',
    title: "The gate's own configuration",
    rationale:
      'A change to .aiprov.yml, CODEOWNERS or the Agent Trace records can switch the gate off or rewrite who wrote what; the policy and the records of a pull request come from its base, and changing them needs review.',
    paths: ['.aiprov.yml', '**/CODEOWNERS', '.agent-trace/**'],
    content: [],
    anyAuthor: true,
    controls: {
      ssdf: ['PO.3.2', ...REVIEW.ssdf],
      asvs: ['V13 Configuration'],
      slsa: REVIEW.slsa,
      soc2: ['CC8.1'],
      iso27001: ['A.8.9', 'A.8.32'],
      cosai: ['riskRogueActions'],
      aisvs: ['AC.8.1', 'AC.8.3'],
      codeguard: ['core/codeguard-0-devops-ci-cd-containers'],
    },
  },
];
