// The confined command's environment is an allow-list (issue 15, M3): the expectations below that
// differ from the old deny-list (AWS_REGION, EDITOR, MONKEY, NODE_OPTIONS no longer pass; HOME is
// always the scratch one) are the behaviour the issue asks to change.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { buildSandboxEnv, isSecretEnvName } from '../../../src/core/sandbox/sandboxEnv';

const SCRATCH = { home: '/scratch/home', tmpDir: '/tmp' };

describe('buildSandboxEnv', () => {
  it('passes only PATH, locale, TERM, TZ, CI and colour switches; HOME, TMPDIR and SHELL are the scratch ones', () => {
    const parent = {
      PATH: '/usr/bin',
      HOME: '/home/u',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      TERM: 'xterm',
      TZ: 'UTC',
      CI: 'true',
      NO_COLOR: '1',
      OPENAI_API_KEY: 'a',
      OPENAI_BASE_URL: 'http://x',
      AWS_ACCESS_KEY_ID: 'AKIAXXXXXXXX',
      AWS_REGION: 'eu-west-1',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/xyz',
      DOCKER_AUTH_CONFIG: '{"auths":{}}',
      SENTRY_DSN: 'https://key@o1.ingest.sentry.io/1',
      DATABASE_URL: 'postgres://app:hunter2@db/app',
      EDITOR: 'vim',
      MONKEY: 'banana',
      NODE_OPTIONS: '--require /home/u/evil.js',
      SSH_AUTH_SOCK: '/tmp/agent',
      UNDEFINED: undefined,
    };
    const { env, withheld, refused } = buildSandboxEnv(parent, SCRATCH);
    assert.deepEqual(Object.keys(env).sort(), [
      'CI',
      'HOME',
      'LANG',
      'LC_ALL',
      'NO_COLOR',
      'PATH',
      'SHELL',
      'TERM',
      'TMPDIR',
      'TZ',
    ]);
    assert.equal(env.HOME, '/scratch/home', 'never the real HOME');
    assert.equal(env.TMPDIR, '/tmp');
    assert.equal(env.SHELL, '/bin/sh');
    assert.deepEqual(withheld, [...withheld].sort(), 'sorted');
    for (const n of [
      'AWS_ACCESS_KEY_ID',
      'SLACK_WEBHOOK_URL',
      'DOCKER_AUTH_CONFIG',
      'SENTRY_DSN',
      'DATABASE_URL',
      'HOME',
    ]) {
      assert.ok(withheld.includes(n), `${n} withheld`);
    }
    assert.deepEqual(refused, []);
    assert.doesNotMatch(JSON.stringify(env), /hunter2|AKIA|hooks\.slack|sentry|evil/);
  });

  it('passes the names the policy lists, but never a credential or the host plumbing, and says which it refused', () => {
    const { env, refused, withheld } = buildSandboxEnv(
      {
        PATH: '/usr/bin',
        JAVA_HOME: '/usr/lib/jvm/17',
        GOFLAGS: '-mod=vendor',
        AWS_ACCESS_KEY_ID: 'AKIAXXXXXXXX',
        DATABASE_URL: 'postgres://app:hunter2@db/app',
        MY_KEY_ENV: 'o',
        GIT_DIR: '/user/repo/.git',
        VSCODE_IPC_HOOK_CLI: '/run/vscode-ipc.sock',
        HOME: '/home/u',
      },
      {
        ...SCRATCH,
        pass: [
          'JAVA_HOME',
          'GOFLAGS',
          'AWS_ACCESS_KEY_ID',
          'DATABASE_URL',
          'MY_KEY_ENV',
          'GIT_DIR',
          'VSCODE_IPC_HOOK_CLI',
          'HOME',
          'UNSET',
        ],
        secretNames: ['MY_KEY_ENV'],
      },
    );
    assert.equal(env.JAVA_HOME, '/usr/lib/jvm/17');
    assert.equal(env.GOFLAGS, '-mod=vendor');
    assert.equal(env.HOME, '/scratch/home');
    assert.deepEqual(refused, [
      'AWS_ACCESS_KEY_ID',
      'DATABASE_URL',
      'GIT_DIR',
      'HOME',
      'MY_KEY_ENV',
      'VSCODE_IPC_HOOK_CLI',
    ]);
    for (const n of refused) if (n !== 'HOME') assert.equal(env[n], undefined, `${n} not passed`);
    assert.ok(withheld.includes('AWS_ACCESS_KEY_ID'));
    assert.equal('UNSET' in env, false, 'a listed name that is not set stays unset');
  });

  it('hands back credential and key-shaped values for masking, never the allow-list', () => {
    const { env, withheld, secretValues } = buildSandboxEnv(
      {
        HARMLESS: 'sk-proj-0123456789abcdefghijkl',
        ALSO: 'sk-ant-api03-xyzxyzxyz',
        SHORT: 'sk-1',
        PATH: '/usr/bin',
        DB_PASSWORD: 'hunter2secret',
        EDITOR: 'vim',
      },
      { ...SCRATCH, pass: ['HARMLESS', 'SHORT'] },
    );
    assert.equal(env.HARMLESS, undefined, 'a key-shaped value is not passed even when asked for');
    assert.equal(env.SHORT, 'sk-1');
    assert.ok(withheld.includes('ALSO') && withheld.includes('HARMLESS'));
    assert.deepEqual(
      [...secretValues].sort(),
      ['hunter2secret', 'sk-ant-api03-xyzxyzxyz', 'sk-proj-0123456789abcdefghijkl'].sort(),
    );
  });

  it('isSecretEnvName is case-insensitive and honours extra names', () => {
    assert.equal(isSecretEnvName('openai_api_key'), true);
    assert.equal(isSecretEnvName('Github_Token'), true);
    assert.equal(isSecretEnvName('SLACK_WEBHOOK_URL'), true);
    assert.equal(isSecretEnvName('SENTRY_DSN'), true);
    assert.equal(isSecretEnvName('CUSTOM'), false);
    assert.equal(isSecretEnvName('CUSTOM', ['CUSTOM']), true);
    assert.equal(isSecretEnvName('PATH', ['PATH']), false, 'the allow-list wins');
  });
});
