import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DownloadCancelled, streamedBody } from './streamed-body.ts';

test('streamedBody sends the chunks in order and waits for a slow reader', async () => {
  let produced = 0;
  const body = streamedBody(async (push) => {
    for (let i = 0; i < 20; i++) {
      await push(`ligne ${i}\n`);
      produced++;
    }
  }, 2);
  const reader = body.getReader();
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(produced <= 3, `the producer waits for the reader (${produced} produced before any read)`);
  let text = '';
  const dec = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += dec.decode(value);
  }
  assert.equal(text, Array.from({ length: 20 }, (_, i) => `ligne ${i}\n`).join(''));
});

test('a failure midway errors the stream instead of ending it', async () => {
  const body = streamedBody(async (push) => {
    await push('début\n');
    throw new Error('base indisponible');
  });
  const reader = body.getReader();
  assert.equal(new TextDecoder().decode((await reader.read()).value), 'début\n');
  await assert.rejects(reader.read(), /base indisponible/);
});

test('a client that goes away stops the producer', async () => {
  let stoppedWith: unknown = null;
  const body = streamedBody(async (push) => {
    try {
      for (let i = 0; ; i++) await push(`ligne ${i}\n`);
    } catch (e) {
      stoppedWith = e;
      throw e;
    }
  }, 1);
  const reader = body.getReader();
  await reader.read();
  await reader.cancel();
  await new Promise((r) => setTimeout(r, 10));
  assert.ok(stoppedWith instanceof DownloadCancelled);
});
