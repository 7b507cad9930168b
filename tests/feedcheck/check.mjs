// Reads a feed with Podcast Index's parser (podcast-partytime) and prints, as JSON, what narrate's
// tests check. Usage: node check.mjs FEED_FILE
import { parseFeed } from "podcast-partytime";
import { readFileSync } from "node:fs";

const feed = parseFeed(readFileSync(process.argv[2], "utf8"));
if (!feed) {
  console.error("podcast-partytime could not parse the feed");
  process.exit(1);
}
const date = (value) => (value instanceof Date ? value.toISOString() : null);
console.log(JSON.stringify({
  title: feed.title,
  description: feed.description ?? null,
  language: feed.language ?? null,
  link: feed.link ?? null,
  author: feed.author ?? null,
  owner: feed.owner ?? null,
  categories: feed.categories ?? [],
  explicit: feed.explicit ?? null,
  itunesType: feed.itunesType ?? null,
  image: feed.itunesImage ?? feed.image?.url ?? null,
  guid: feed.guid ?? null,
  locked: feed.locked ?? null,
  lockedOwner: feed.podcastOwner ?? null,
  items: feed.items.map((item) => ({
    title: item.title,
    description: item.description ?? null,
    guid: item.guid,
    pubDate: date(item.pubDate),
    enclosure: item.enclosure,
    duration: item.duration,
    episodeType: item.itunesEpisodeType ?? null,
    itunesEpisode: item.itunesEpisode ?? null,
    itunesSeason: item.itunesSeason ?? null,
    podcastEpisode: item.podcastEpisode?.number ?? null,
    podcastSeason: item.podcastSeason?.number ?? null,
    chapters: item.podcastChapters ? item.podcastChapters.url : null,
    chaptersType: item.podcastChapters ? item.podcastChapters.type : null,
    transcripts: (item.podcastTranscripts ?? []).map((t) => ({ url: t.url, type: t.type, rel: t.rel ?? null })),
  })),
}));
