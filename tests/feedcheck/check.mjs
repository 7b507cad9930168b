// Reads a feed with Podcast Index's parser and prints what narrate's tests check, as JSON.
import { parseFeed } from "podcast-partytime";
import { readFileSync } from "node:fs";

const feed = parseFeed(readFileSync(process.argv[2], "utf8"));
if (!feed) {
  console.error("podcast-partytime could not parse the feed");
  process.exit(1);
}
console.log(JSON.stringify({
  title: feed.title,
  guid: feed.guid ?? null,
  locked: feed.locked ?? null,
  items: feed.items.map((item) => ({
    title: item.title,
    guid: item.guid,
    enclosure: item.enclosure,
    duration: item.duration,
    chapters: item.podcastChapters ? item.podcastChapters.url : null,
    transcripts: (item.podcastTranscripts ?? []).map((t) => ({ url: t.url, type: t.type })),
  })),
}));
