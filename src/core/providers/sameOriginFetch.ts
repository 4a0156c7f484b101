// The fetch every provider SDK gets: redirects are followed only within the same origin. fetch's own
// redirect handling re-sends a POST's body on a 307/308 to wherever Location points (it drops only the
// auth header), so one redirect from a model server would hand the prompt — the user's code — to
// another host. A cross-origin redirect is answered instead with an error the SDK reports (status
// kept, message saying why), and nothing is sent there.
type Fetch = typeof fetch;

const MAX_HOPS = 5;

function refusal(status: number, message: string): Response {
  return new Response(JSON.stringify({ error: { message, type: 'redirect_refused' } }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

export function sameOriginFetch(base?: Fetch): Fetch {
  return async (input, init) => {
    const real = base ?? globalThis.fetch;
    if (input instanceof Request) return real(input, { ...init, redirect: 'manual' });
    let url = new URL(String(input));
    for (let hop = 0; ; hop++) {
      const res = await real(url, { ...init, redirect: 'manual' });
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return res;
      const next = new URL(location, url);
      await res.body?.cancel().catch(() => undefined);
      if (next.origin !== url.origin) {
        return refusal(
          res.status,
          `the server at ${url.host} redirected to another host (${next.host}); Switchyard does not follow a redirect to another host, so the request (your code) was not sent there`,
        );
      }
      if (hop >= MAX_HOPS)
        return refusal(res.status, `the server at ${url.host} redirected more than ${MAX_HOPS} times`);
      // A body that was a stream cannot be sent twice; the SDKs send strings.
      if (init?.body && typeof init.body !== 'string') {
        return refusal(res.status, `the server at ${url.host} redirected a request whose body cannot be re-sent`);
      }
      url = next;
    }
  };
}
