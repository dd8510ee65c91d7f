import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VIDEO_FRAME_HOSTS, videoEmbed } from './video.ts';

test('links of the allowed providers become their privacy-friendly players; anything else stays a link', () => {
  assert.equal(
    videoEmbed('https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10'),
    'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ',
  );
  assert.equal(videoEmbed('https://youtu.be/dQw4w9WgXcQ'), 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ');
  assert.equal(videoEmbed('https://vimeo.com/76979871'), 'https://player.vimeo.com/video/76979871?dnt=1');
  assert.equal(
    videoEmbed('https://framatube.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d'),
    'https://framatube.org/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d',
  );
  assert.equal(
    videoEmbed('https://framatube.org/videos/watch/kkGMgK9ZtnKfYAgnEtQxbv'),
    'https://framatube.org/videos/embed/kkGMgK9ZtnKfYAgnEtQxbv',
  );
  for (const bad of [
    'http://www.youtube.com/watch?v=dQw4w9WgXcQ', // not https
    'https://www.youtube.com/watch?v=<script>', // not an id
    'https://evil.example/embed/dQw4w9WgXcQ', // not allowed
    'https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ',
    'https://vimeo.com/channels/staffpicks',
    'https://user:pw@vimeo.com/76979871',
    'javascript:alert(1)',
    '',
    null,
  ])
    assert.equal(videoEmbed(bad), null, String(bad));
  // Every player address is under a host the security headers let the page frame.
  for (const link of ['https://youtu.be/dQw4w9WgXcQ', 'https://vimeo.com/1', 'https://framatube.org/w/abcdef'])
    assert.ok(VIDEO_FRAME_HOSTS.some((h) => videoEmbed(link)!.startsWith(`${h}/`)));
});
