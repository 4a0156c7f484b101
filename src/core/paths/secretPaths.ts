// Files that look like they hold secrets (.env files, credentials, private keys). A path a MODEL
// suggests is never read into any role's context when it — or the file it really is, after links —
// matches; a path the user named is (they chose to share it). See modelRead.ts for the whole rule.
const SECRET_LOOKING =
  /(^|\/)(\.env[^/]*|\.npmrc|\.pypirc|\.netrc|\.git-credentials|id_(rsa|dsa|ecdsa|ed25519)[^/]*|[^/]*\.(pem|key|p12|pfx|keystore|jks)|(credentials|secrets?)(\.[a-z]+)?)$/i;

export function looksSecret(path: string): boolean {
  return SECRET_LOOKING.test(path.replace(/\\/g, '/'));
}
