import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { buildVerifyEnv, isSecretEnvName, secretEnvNamesFromPolicy } from '../../../src/core/verify/verifyEnv';

describe('buildVerifyEnv', () => {
  it('withholds secret-looking names and passes the rest', () => {
    const parent = {
      PATH: '/usr/bin',
      HOME: '/home/u',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      OPENAI_API_KEY: 'a',
      OPENAI_BASE_URL: 'http://x',
      ANTHROPIC_AUTH_TOKEN: 'b',
      AWS_SECRET_ACCESS_KEY: 'c',
      AWS_SESSION_TOKEN: 'd',
      AWS_REGION: 'eu-west-1',
      GITHUB_TOKEN: 'e',
      NPM_TOKEN: 'f',
      DB_PASSWORD: 'g',
      CLIENT_SECRET: 'h',
      STRIPE_KEY: 'i',
      GEMINI_API_KEY: 'j',
      GOOGLE_APPLICATION_CREDENTIALS: '/k.json',
      SSH_AUTH_SOCK: '/tmp/agent',
      npm_config__auth: 'l',
      'npm_config_//registry.npmjs.org/:_authToken': 'm',
      NODE_AUTH_TOKEN: 'n',
      MY_KEY_ENV: 'o',
      EDITOR: 'vim',
      CI: 'true',
      KEYBOARD_LAYOUT: 'us',
      MONKEY: 'banana',
      UNDEFINED: undefined,
    };
    const { env, withheld } = buildVerifyEnv(parent, ['MY_KEY_ENV']);
    assert.deepEqual(Object.keys(env).sort(), [
      'AWS_REGION',
      'CI',
      'EDITOR',
      'HOME',
      'KEYBOARD_LAYOUT',
      'LANG',
      'LC_ALL',
      'MONKEY',
      'PATH',
    ]);
    assert.equal(env.PATH, '/usr/bin');
    assert.deepEqual(withheld, [...withheld].sort(), 'sorted');
    assert.equal(withheld.length, Object.keys(parent).length - 9 - 1);
    assert.ok(withheld.includes('OPENAI_BASE_URL'), 'everything OPENAI_* is withheld');
  });

  it('withholds key-shaped values under any name, but never the allow-list', () => {
    const { env, withheld } = buildVerifyEnv({
      HARMLESS: 'sk-proj-0123456789abcdefghijkl',
      ALSO: 'sk-ant-api03-xyzxyzxyz',
      SHORT: 'sk-1',
      PATH: 'sk-0123456789abcdefghijklmnop',
    });
    assert.deepEqual(withheld, ['ALSO', 'HARMLESS']);
    assert.equal(env.SHORT, 'sk-1');
    assert.equal(env.PATH, 'sk-0123456789abcdefghijklmnop');
  });

  it("withholds the host's plumbing: git hook variables, VS Code IPC, Electron-as-node", () => {
    const { env, withheld } = buildVerifyEnv({
      GIT_DIR: '/user/repo/.git',
      GIT_INDEX_FILE: '/user/repo/.git/index',
      GIT_AUTHOR_NAME: 'A Person',
      VSCODE_IPC_HOOK_CLI: '/run/vscode-ipc.sock',
      ELECTRON_RUN_AS_NODE: '1',
      NODE_TEST_CONTEXT: 'child-v8',
      NODE_OPTIONS: '--max-old-space-size=4096',
    });
    assert.deepEqual(withheld, [
      'ELECTRON_RUN_AS_NODE',
      'GIT_DIR',
      'GIT_INDEX_FILE',
      'NODE_TEST_CONTEXT',
      'VSCODE_IPC_HOOK_CLI',
    ]);
    assert.deepEqual(Object.keys(env).sort(), ['GIT_AUTHOR_NAME', 'NODE_OPTIONS']);
  });

  it('isSecretEnvName is case-insensitive and honours extra names', () => {
    assert.equal(isSecretEnvName('openai_api_key'), true);
    assert.equal(isSecretEnvName('Github_Token'), true);
    assert.equal(isSecretEnvName('CUSTOM'), false);
    assert.equal(isSecretEnvName('CUSTOM', ['CUSTOM']), true);
    assert.equal(isSecretEnvName('PATH', ['PATH']), false, 'the allow-list wins');
  });

  it('collects apiKeyEnv names from a policy', () => {
    assert.deepEqual(
      secretEnvNamesFromPolicy({ models: [{ apiKeyEnv: 'A_KEY' }, {}, { apiKeyEnv: 'B' }, { apiKeyEnv: 'A_KEY' }] }),
      ['A_KEY', 'B'],
    );
  });
});
