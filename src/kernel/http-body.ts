/**
 * A fetch response's body, read up to `maxBytes` and no further: a body
 * whose declared length is larger is not read at all (`declared` says how
 * large), one that turns out larger is cut off where it passes the cap.
 * Errors while reading (a broken connection, an aborted signal) are thrown
 * as they come, for each HTTP client to name in its own terms.
 */
export async function readCappedBody(response: Response, maxBytes: number): Promise<{ ok: true; body: Buffer } | { ok: false; declared?: number }> {
  const declared = Number(response.headers.get('content-length') ?? 'NaN');
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, declared };
  }
  if (!response.body) return { ok: true, body: Buffer.alloc(0) };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { ok: false };
    }
    chunks.push(value);
  }
  return { ok: true, body: Buffer.concat(chunks) };
}
