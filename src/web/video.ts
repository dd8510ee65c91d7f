// Embedded video players: only a short allow-list of providers, each rewritten to its
// privacy-friendly player address (YouTube without cookies, Vimeo with "do not track", PeerTube
// instances of the free-software world). The security headers open `frame-src` to exactly these
// hosts; any other link stays a link the learner opens in a new tab.

/** Player hosts a page may frame (the Content-Security-Policy's `frame-src`). */
export const VIDEO_FRAME_HOSTS = [
  'https://www.youtube-nocookie.com',
  'https://player.vimeo.com',
  'https://framatube.org',
];

const PEERTUBE_HOSTS = new Set(['framatube.org']);
const YOUTUBE_ID = /^[\w-]{11}$/;
const PEERTUBE_ID = /^[\w-]{6,40}$/;

/** The player address for a video link of an allowed provider, or null (then show a link). */
export function videoEmbed(link: string | null | undefined): string | null {
  if (!link) return null;
  let u: URL;
  try {
    u = new URL(link);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' || u.username || u.password || u.port) return null;
  const host = u.hostname.toLowerCase();
  const parts = u.pathname.split('/').filter(Boolean);
  if (host === 'www.youtube.com' || host === 'youtube.com' || host === 'm.youtube.com') {
    const id = parts[0] === 'watch' ? u.searchParams.get('v') : parts[0] === 'embed' ? parts[1] : null;
    return id && YOUTUBE_ID.test(id) ? `https://www.youtube-nocookie.com/embed/${id}` : null;
  }
  if (host === 'youtu.be')
    return parts[0] && YOUTUBE_ID.test(parts[0]) ? `https://www.youtube-nocookie.com/embed/${parts[0]}` : null;
  if (host === 'www.youtube-nocookie.com')
    return parts[0] === 'embed' && parts[1] && YOUTUBE_ID.test(parts[1])
      ? `https://www.youtube-nocookie.com/embed/${parts[1]}`
      : null;
  if (host === 'vimeo.com' || host === 'www.vimeo.com') {
    const id = parts[0];
    return id && /^\d{1,12}$/.test(id) ? `https://player.vimeo.com/video/${id}?dnt=1` : null;
  }
  if (host === 'player.vimeo.com')
    return parts[0] === 'video' && parts[1] && /^\d{1,12}$/.test(parts[1])
      ? `https://player.vimeo.com/video/${parts[1]}?dnt=1`
      : null;
  if (PEERTUBE_HOSTS.has(host)) {
    const id =
      parts[0] === 'w'
        ? parts[1]
        : parts[0] === 'videos' && (parts[1] === 'watch' || parts[1] === 'embed')
          ? parts[2]
          : null;
    return id && PEERTUBE_ID.test(id) ? `https://${host}/videos/embed/${id}` : null;
  }
  return null;
}
