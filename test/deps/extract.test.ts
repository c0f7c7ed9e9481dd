import { describe, expect, it } from 'vitest';
import { commandsInLine, commandsInText } from '../../src/deps/extract/commands.js';
import { fromCargoToml, fromGoMod } from '../../src/deps/extract/go-cargo.js';
import { fromPackageJson, fromPackageLock, fromPnpmLock, fromYarnLock } from '../../src/deps/extract/npm.js';
import { fromPipfile, fromPyproject, fromRequirements } from '../../src/deps/extract/python.js';
import type { FoundDependency } from '../../src/deps/types.js';

const brief = (found: FoundDependency[]): string[] =>
  found.map((d) => `${d.ecosystem}:${d.name}@${d.spec}:${d.source.line}${d.local ? ` local=${d.local}` : ''}`);

describe('npm manifests and lockfiles', () => {
  it('package.json: every dependency kind, aliases, and local specs kept but not looked up', () => {
    const text = JSON.stringify(
      {
        name: 'app',
        dependencies: { 'express': '^5.1.0', 'my-lodash': 'npm:lodash@^4.17.21', 'local-lib': 'file:../lib' },
        devDependencies: { '@types/node': '^24' },
        optionalDependencies: { fsevents: '2.3.3' },
        peerDependencies: { react: '>=18', forked: 'github:me/forked#main' },
      },
      null,
      2,
    );
    expect(brief(fromPackageJson('package.json', text))).toEqual([
      'npm:express@^5.1.0:4',
      'npm:lodash@^4.17.21:5',
      'npm:local-lib@file:../lib:6 local=file:../lib',
      'npm:@types/node@^24:9',
      'npm:fsevents@2.3.3:12',
      'npm:react@>=18:15',
      'npm:forked@github:me/forked#main:16 local=github:me/forked#main',
    ]);
  });

  it('package-lock.json v3 (and v2) packages, nested and scoped, links skipped; v1 dependencies', () => {
    const v3 = JSON.stringify(
      {
        lockfileVersion: 3,
        packages: {
          '': { name: 'app' },
          'node_modules/express': { version: '5.1.0', resolved: 'https://registry.npmjs.org/express/-/express-5.1.0.tgz' },
          'node_modules/@types/node': { version: '24.0.0', resolved: 'https://registry.npmjs.org/@types/node/-/node-24.0.0.tgz' },
          'node_modules/express/node_modules/debug': { version: '4.4.0' },
          'node_modules/alias': { name: 'real-pkg', version: '1.0.0' },
          'node_modules/ws-link': { link: true, resolved: 'packages/ws' },
          'node_modules/from-git': { version: '1.0.0', resolved: 'git+ssh://git@github.com/x/y.git#abc' },
        },
      },
      null,
      2,
    );
    expect(brief(fromPackageLock('package-lock.json', v3))).toEqual([
      'npm:express@5.1.0:7',
      'npm:@types/node@24.0.0:11',
      'npm:debug@4.4.0:15',
      'npm:real-pkg@1.0.0:18',
      'npm:from-git@1.0.0:26 local=git+ssh://git@github.com/x/y.git#abc',
    ]);
    const v1 = JSON.stringify({ lockfileVersion: 1, dependencies: { a: { version: '1.0.0', dependencies: { b: { version: '2.0.0' } } } } }, null, 2);
    expect(brief(fromPackageLock('npm-shrinkwrap.json', v1)).map((s) => s.split(':').slice(0, 2).join(':'))).toEqual(['npm:a@1.0.0', 'npm:b@2.0.0']);
    expect(() => fromPackageLock('package-lock.json', '{oops')).toThrow(/^package-lock\.json is not valid JSON/);
    expect(() => fromPackageLock('package-lock.json', '{oops')).toThrow(
      expect.objectContaining({ code: 'MANIFEST_INVALID', file: 'package-lock.json' }) as Error,
    );
  });

  it('pnpm-lock.yaml v6 and v9 keys, yarn.lock classic and berry', () => {
    const pnpm =
      "lockfileVersion: '9.0'\npackages:\n  express@5.1.0:\n    resolution: {integrity: x}\n  '@types/node@24.0.0':\n    resolution: {integrity: y}\n  /debug@4.4.0(supports-color@8.0.0):\n    resolution: {integrity: z}\n";
    expect(brief(fromPnpmLock('pnpm-lock.yaml', pnpm))).toEqual(['npm:express@5.1.0:3', 'npm:@types/node@24.0.0:5', 'npm:debug@4.4.0:7']);
    const yarn =
      '# yarn lockfile v1\n\n"@babel/core@^7.0.0", "@babel/core@^7.1.0":\n  version "7.2.0"\n\nlodash@^4.17.21:\n  version "4.17.21"\n\n"left-pad@npm:^1.3.0":\n  version: 1.3.0\n';
    expect(brief(fromYarnLock('yarn.lock', yarn))).toEqual(['npm:@babel/core@^7.0.0:3', 'npm:lodash@^4.17.21:6', 'npm:left-pad@^1.3.0:9']);
  });
});

describe('Python manifests', () => {
  it('requirements.txt with includes, extras, markers, continuations, URLs, paths and editables', () => {
    const files: Record<string, string> = {
      'requirements.txt': [
        '# runtime',
        'requests[socks]>=2.31 ; python_version >= "3.8"',
        '-r requirements/base.txt',
        'numpy==1.26.4 \\',
        '  --hash=sha256:abc',
        'Django @ https://example.com/django.tar.gz',
        './local-pkg',
        '-e git+https://github.com/x/y.git#egg=y',
        '--index-url https://pypi.example.com/simple',
        'PyYAML',
        '',
      ].join('\n'),
      'requirements/base.txt': 'urllib3<3\n-r ../requirements.txt\n',
    };
    const found = fromRequirements('requirements.txt', files['requirements.txt'] ?? '', (f) => files[f]);
    expect(brief(found)).toEqual([
      'pypi:requests@>=2.31:2',
      'pypi:urllib3@<3:1',
      'pypi:numpy@==1.26.4:4',
      'pypi:Django@:6 local=https://example.com/django.tar.gz',
      'pypi:./local-pkg@:7 local=./local-pkg',
      'pypi:git+https://github.com/x/y.git#egg=y@:8 local=git+https://github.com/x/y.git#egg=y',
      'pypi:PyYAML@:10',
    ]);
    expect(() => fromRequirements('r.txt', '-r missing.txt\n', () => undefined)).toThrow(
      'r.txt line 1: includes missing.txt, which is not a file of the repository that could be read',
    );
    expect(() => fromRequirements('r.txt', '-r missing.txt\n', () => undefined)).toThrow(
      expect.objectContaining({ code: 'MANIFEST_INVALID', name: 'ManifestError' }) as Error,
    );
  });

  it('pyproject.toml (PEP 621, extras, dependency groups, Poetry) and Pipfile', () => {
    const pyproject = [
      '[project]',
      'name = "app"',
      'dependencies = ["httpx>=0.27", "pydantic[email]==2.7"]',
      '[project.optional-dependencies]',
      'dev = ["pytest"]',
      '[dependency-groups]',
      'lint = ["ruff>=0.5"]',
      '[tool.poetry.dependencies]',
      'python = "^3.11"',
      'fastapi = "^0.110"',
      'mylib = { path = "../mylib" }',
      '[tool.poetry.group.test.dependencies]',
      'hypothesis = { version = "^6" }',
    ].join('\n');
    expect(brief(fromPyproject('pyproject.toml', pyproject)).map((s) => s.replace(/:\d+( |$)/, '$1'))).toEqual([
      'pypi:httpx@>=0.27',
      'pypi:pydantic@==2.7',
      'pypi:pytest@',
      'pypi:ruff@>=0.5',
      'pypi:fastapi@^0.110',
      'pypi:mylib@ local=../mylib',
      'pypi:hypothesis@^6',
    ]);
    expect(brief(fromPipfile('Pipfile', '[packages]\nflask = "*"\nrequests = {version = ">=2"}\n[dev-packages]\nblack = "*"\n'))).toEqual([
      'pypi:flask@:2',
      'pypi:requests@>=2:3',
      'pypi:black@:5',
    ]);
    expect(() => fromPyproject('pyproject.toml', '[project\n')).toThrow(/^pyproject\.toml is not valid TOML/);
  });
});

describe('Go and Rust manifests', () => {
  it('go.mod require lines and blocks', () => {
    const gomod =
      'module example.com/app\n\ngo 1.22\n\nrequire github.com/spf13/cobra v1.8.0\n\nrequire (\n\tgolang.org/x/sys v0.20.0 // indirect\n\tgithub.com/stretchr/testify v1.9.0\n)\n';
    expect(brief(fromGoMod('go.mod', gomod))).toEqual([
      'go:github.com/spf13/cobra@v1.8.0:5',
      'go:golang.org/x/sys@v0.20.0:8',
      'go:github.com/stretchr/testify@v1.9.0:9',
    ]);
  });

  it('Cargo.toml tables, renames, git and path dependencies', () => {
    const cargo =
      '[package]\nname = "app"\n\n[dependencies]\nserde = { version = "1", features = ["derive"] }\nrand = "0.8"\nmy_json = { package = "serde_json", version = "1" }\nlocal = { path = "../local" }\n\n[dev-dependencies]\ncriterion = "0.5"\n\n[target.\'cfg(unix)\'.dependencies]\nlibc = "0.2"\n';
    expect(brief(fromCargoToml('Cargo.toml', cargo)).map((s) => s.replace(/:\d+( |$)/, '$1'))).toEqual([
      'cargo:serde@1',
      'cargo:rand@0.8',
      'cargo:serde_json@1',
      'cargo:local@ local=../local',
      'cargo:criterion@0.5',
      'cargo:libc@0.2',
    ]);
  });
});

describe('install commands in text', () => {
  const names = (line: string): string[] =>
    commandsInLine(line).map((h) => `${h.ecosystem}:${h.name}${h.spec ? `@${h.spec}` : ''}${h.local ? ' (local)' : ''}`);

  it.each([
    ['npm install express@5 -D @types/express', ['npm:express@5', 'npm:@types/express']],
    ['npm i --save-dev --registry https://r.example.com lodash', ['npm:lodash']],
    ['sudo npm install -g typescript', ['npm:typescript']],
    ['npx -y create-react-app my-app --template typescript', ['npm:create-react-app']],
    ['npx --package=@acme/cli acme run', ['npm:@acme/cli']],
    ['pnpm add -w zod && pnpm dlx degit user/repo', ['npm:zod', 'npm:degit']],
    ['yarn add react react-dom; yarn dlx create-vite', ['npm:react', 'npm:react-dom', 'npm:create-vite']],
    ['bun add hono && bunx cowsay hi', ['npm:hono', 'npm:cowsay']],
    ['pip install -U "requests[socks]>=2" numpy==1.26 -r requirements.txt', ['pypi:requests@>=2', 'pypi:numpy@==1.26']],
    ['python3 -m pip install --index-url https://x.example/simple flask', ['pypi:flask']],
    ['uv add httpx && uv pip install ruff', ['pypi:httpx', 'pypi:ruff']],
    ['poetry add pydantic; pipx install black', ['pypi:pydantic', 'pypi:black']],
    ['pip install ./mypkg git+https://github.com/x/y.git', ['pypi:./mypkg (local)', 'pypi:git+https://github.com/x/y.git (local)']],
    ['cargo add serde --features derive && cargo install ripgrep', ['cargo:serde', 'cargo:ripgrep']],
    [
      'go get github.com/spf13/cobra@v1.8.0 && go install golang.org/x/tools/gopls@latest',
      ['go:github.com/spf13/cobra@v1.8.0', 'go:golang.org/x/tools/gopls@latest'],
    ],
    ['npm install <package-name>', []],
    ['npm install $PKG', []],
    ['npm install', []],
    ['pip install -r requirements.txt', []],
  ])('%s', (line, expected) => {
    expect(names(line)).toEqual(expected);
  });

  it('in Markdown only code counts: fenced blocks, inline code and $ prompts, not prose', () => {
    const md = [
      '# Setup',
      'Run npm install to set things up, then read on.',
      '```bash',
      'npm install react-codeshift',
      '```',
      'Or `pip install fastapi-helpers`.',
      '$ cargo add serde-helpers',
      'Prose about npx nothing here.',
    ].join('\n');
    expect(commandsInText('README.md', md).map((h) => `${h.name}:${h.line}`)).toEqual(['react-codeshift:4', 'fastapi-helpers:6', 'serde-helpers:7']);
    expect(commandsInText('CLAUDE.md', 'Always run `npx shadcn-ui-helpers add button`.').map((h) => h.name)).toEqual(['shadcn-ui-helpers']);
  });

  it('shell scripts, Dockerfiles and CI workflows: every line; notebooks: code cells', () => {
    expect(commandsInText('setup.sh', '#!/bin/sh\nset -e\nnpm ci\npip install huggingface-cli\n').map((h) => `${h.name}:${h.line}`)).toEqual([
      'huggingface-cli:4',
    ]);
    expect(commandsInText('Dockerfile', 'FROM node:24\nRUN npm install -g pm2 && npm cache clean --force\n').map((h) => h.name)).toEqual(['pm2']);
    expect(commandsInText('.github/workflows/ci.yml', 'steps:\n  - run: npx eslint-config-wizard --init\n').map((h) => h.name)).toEqual([
      'eslint-config-wizard',
    ]);
    const nb = JSON.stringify({
      cells: [
        { cell_type: 'markdown', source: ['pip install not-this'] },
        { cell_type: 'code', source: ['!pip install torch-helpers\n', 'import torch'] },
      ],
    });
    expect(commandsInText('analysis.ipynb', nb).map((h) => h.name)).toEqual(['torch-helpers']);
  });

  it('template expressions and variables are never package names (git-ai: npm install -g "${{ matrix.agent.npm_pkg }}")', () => {
    const wf = [
      'jobs:',
      '  test:',
      '    steps:',
      '      - run: npm install -g "${{ matrix.agent.npm_pkg }}"',
      '      - run: |',
      '          pip install {{ cookiecutter.package }} ${EXTRA} $PKG "$(cat pkgs.txt)" %PKG% real-one',
      '          npx ${{ inputs.tool }}@latest --help',
      '          npm i left-pad-${VERSION}',
    ].join('\n');
    expect(commandsInText('.github/workflows/agents.yml', wf).map((h) => `${h.ecosystem}:${h.name}:${h.line}`)).toEqual(['pypi:real-one:6']);
    // The real one on git-ai's repository stays: a scoped name written out.
    expect(commandsInText('.github/workflows/release.yml', '    - run: npx @nyaomaru/changelog-bot --since v1\n').map((h) => h.name)).toEqual([
      '@nyaomaru/changelog-bot',
    ]);
  });

  it('prose is not a command line: Markdown quotes, chat transcripts and test fixtures count only in code; YAML only under keys that run shell', () => {
    // aider's transcripts quote its own questions with '>': "Run pip install? y" named pypi:y.
    const transcript = ['#### add tests', '> Run pip install? y', '> pip install pytest-asyncio', 'Handle pip install failure in version check'].join('\n');
    expect(commandsInText('aider/website/docs/chat.md', transcript)).toEqual([]);
    expect(commandsInText('tests/fixtures/chat-history.txt', 'Run pip install? yes\npip install check\n')).toEqual([]);
    expect(commandsInText('tests/fixtures/watch.sh.txt', '```sh\npip install rich\n```\n').map((h) => h.name)).toEqual(['rich']);
    // Release notes in YAML are data; a CI step's run: and a GitLab script: list are shell.
    const notes = ['- version: 0.50.0', '  changes:', '    - Handle pip install failure in version check', '    - Added pip install by default'].join('\n');
    expect(commandsInText('aider/website/_data/releases.yml', notes)).toEqual([]);
    const gitlab = [
      'test:',
      '  image: python:3.12',
      '  script:',
      '    - pip install tox-helpers',
      '    - echo done',
      '  variables:',
      '    NOTE: pip install ignored',
    ].join('\n');
    // A shell comment is prose, in a code block too.
    expect(commandsInText('README.md', '```sh\nnpx --no aiprov scan    # --no: npx refuses to fetch anything\n```\n').map((h) => h.name)).toEqual(['aiprov']);
    expect(commandsInText('.gitlab-ci.yml', gitlab).map((h) => `${h.name}:${h.line}`)).toEqual(['tox-helpers:4']);
    expect(
      commandsInText('.pre-commit-config.yaml', '      - id: x\n        name: npx is not run here\n        entry: npx --no lint-staged-helper\n').map(
        (h) => h.name,
      ),
    ).toEqual(['lint-staged-helper']);
  });
});

describe('collecting from a repository', () => {
  it('reads each file once, even when another requirements file includes it', async () => {
    const { collectDependencies } = await import('../../src/deps/extract/collect.js');
    const files: Record<string, string> = {
      'requirements.txt': '-r requirements-dev.txt\nflask\n',
      'requirements-dev.txt': 'pytest\n',
      'docs/setup.md': 'Run `pip install flask`.\n',
    };
    const { found, unread } = await collectDependencies(Object.keys(files), (wanted) => Promise.resolve(new Map(wanted.map((f) => [f, files[f] ?? '']))));
    expect(unread).toEqual([]);
    expect(found.map((d) => `${d.name} ${d.source.file}:${d.source.line}`).sort()).toEqual([
      'flask docs/setup.md:1',
      'flask requirements.txt:2',
      'pytest requirements-dev.txt:1',
    ]);
  });

  it("a changed requirements file's include that did not change is read too (aider: requirements/python-compat.in)", async () => {
    const { collectDependencies } = await import('../../src/deps/extract/collect.js');
    const files: Record<string, string> = {
      'requirements/requirements.in': '-c python-compat.in\n-r common.in\nrich\n',
      'requirements/common.in': 'flask\n',
      'requirements/python-compat.in': 'numpy<2\n',
    };
    const read = (wanted: string[]) => Promise.resolve(new Map(wanted.filter((f) => f in files).map((f) => [f, files[f] ?? ''])));
    const changedOnly = await collectDependencies(['requirements/requirements.in'], read, new Set(Object.keys(files)));
    expect(changedOnly.unread).toEqual([]);
    // The include is a requirements file of its own too (as `deps audit` reads it): at both ends of a change, so never "introduced" unless it changed.
    expect(changedOnly.found.map((d) => d.name).sort()).toEqual(['flask', 'numpy', 'rich']);
    // Without the repository's file list, the include cannot be read: said, never skipped in silence.
    const alone = await collectDependencies(['requirements/requirements.in'], read);
    expect(alone.unread.map((u) => u.file)).toEqual(['requirements/requirements.in']);
  });
});
