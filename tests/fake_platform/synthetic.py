"""Synthetic traffic for fake_platform: a seeded stream of posts that arrive at a fixed rate of wall time,
served in each platform's wire format with its own paging, so that load tests can poll a busy source.

POST /_fake/synthetic {"platform": "x"|"mastodon"|"rss", "path": "/2/tweets/search/recent",
                       "rate_per_second": 50, "seed": 1, "start_epoch": <default now>, "total": <no cap>,
                       "base_id": <first id>, "authors": 500, "negative": <share, e.g. 0.3>}

Item n (0-based) exists from start_epoch + n / rate_per_second on, has id base_id + n, and its text, author
and language come from random.Random seeded with (seed, n): every run serves the same items. With "total"
the stream stops after that many items (a start_epoch in the past makes them all available at once, for
deterministic tests). "authors" is how many different people write (default 500). With "negative", that
share of the items (chosen by the same seed) is a plain complaint and the rest plain praise, instead of
random words, so that a load test knows how many posts need an answer; without it the texts are exactly as
before.

Paging, as the real platforms do it:
  x         newest first; since_id, max_results, next_token (an id: the page holds items older than it)
  mastodon  newest first; min_id (the page immediately newer than it), since_id, limit
  rss       the newest `limit` (default 50) items as RSS 2.0
"""

import random
import time
from email.utils import formatdate

WORDS_EN = ["delivery", "late", "great", "coffee", "refund", "order", "support", "broken", "love", "waiting"]
WORDS_SR = ["dostava", "kasni", "odlicno", "kafa", "povrat", "narudzba", "podrska", "pokvareno", "cekam", "hvala"]
COMPLAINTS_EN = ["my order is three days late and nobody answers, this is unacceptable",
                 "still waiting for my refund, this is the worst support ever",
                 "the coffee machine arrived broken and support ignores me, awful"]
COMPLAINTS_SR = ["narudzba opet kasni a niko ne odgovara, uzasna usluga",
                 "jos cekam povrat novca, najgora podrska ikad",
                 "aparat je stigao pokvaren i niko se ne javlja, katastrofa"]
PRAISE_EN = ["thanks, the delivery was quick and the coffee is great", "love the new cups, great job",
             "great coffee this morning, thank you"]
PRAISE_SR = ["hvala, dostava je bila brza i kafa je odlicna", "svaka cast, odlicna kafa", "super usluga, hvala"]


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


class Feed:
    def __init__(self, args, now):
        self.platform = args.get("platform", "x")
        self.rate = float(args.get("rate_per_second", 1.0))
        self.seed = int(args.get("seed", 1))
        self.start = float(args.get("start_epoch", now))
        self.total = args.get("total")
        default_base = 1900000000000000000 if self.platform == "x" else 110000000000000000
        self.base_id = int(args.get("base_id", default_base))
        self.authors = int(args.get("authors", 500))
        self.negative = args.get("negative")
        if self.authors < 1:
            raise ValueError("authors must be at least 1")
        if self.negative is not None and not 0 <= float(self.negative) <= 1:
            raise ValueError("negative must be a share from 0 to 1")

    def available(self, now):
        """How many items exist at `now`."""
        if now < self.start:
            return 0
        count = int((now - self.start) * self.rate) + 1
        return min(count, int(self.total)) if self.total is not None else count

    def item(self, n):
        rnd = random.Random(self.seed * 1000003 + n)
        lang = rnd.choice(["en", "sr", "hr"])
        words = WORDS_EN if lang == "en" else WORDS_SR
        text = " ".join(rnd.choice(words) for _ in range(rnd.randint(3, 12)))
        author = rnd.randint(1, self.authors)
        if self.negative is not None:
            complaint = random.Random(self.seed * 1000033 + n).random() < float(self.negative)
            if lang == "en":
                text = rnd.choice(COMPLAINTS_EN if complaint else PRAISE_EN)
            else:
                text = rnd.choice(COMPLAINTS_SR if complaint else PRAISE_SR)
        return {"n": n, "id": str(self.base_id + n), "text": "@brand " + text, "lang": lang, "author": author,
                "created": self.start + n / self.rate, "followers": rnd.randint(0, 100000)}

    def index(self, id_text):
        try:
            return int(id_text) - self.base_id
        except (TypeError, ValueError):
            return None

    def answer(self, query, now):
        """(status, headers, body) for one GET of the stream's path."""
        count = self.available(now)
        if self.platform == "mastodon":
            return self.mastodon(query, count)
        if self.platform == "rss":
            return self.rss(query, count)
        return self.x(query, count)

    def x(self, query, count):
        limit = int(query.get("max_results") or 10)
        low = 0
        if query.get("since_id"):
            low = max(0, self.index(query["since_id"]) + 1)
        high = count  # exclusive
        if query.get("next_token"):
            high = min(high, self.index(query["next_token"]))
        if query.get("pagination_token"):
            high = min(high, self.index(query["pagination_token"]))
        first = max(low, high - limit)
        items = [self.item(n) for n in range(high - 1, first - 1, -1)]  # newest first
        data = [{"id": i["id"], "text": i["text"], "lang": i["lang"], "author_id": str(i["author"]),
                 "created_at": iso(i["created"]), "conversation_id": i["id"],
                 "edit_history_tweet_ids": [i["id"]]} for i in items]
        body = {"meta": {"result_count": len(data)}}
        if data:
            body["data"] = data
            body["includes"] = {"users": [{"id": str(i["author"]), "username": "user%d" % i["author"],
                                           "name": "User %d" % i["author"],
                                           "public_metrics": {"followers_count": i["followers"]}} for i in items]}
            body["meta"]["newest_id"] = data[0]["id"]
            body["meta"]["oldest_id"] = data[-1]["id"]
            if first > low:
                body["meta"]["next_token"] = data[-1]["id"]
        return 200, {}, body

    def mastodon(self, query, count):
        limit = int(query.get("limit") or 20)
        if query.get("min_id"):
            low = max(0, self.index(query["min_id"]) + 1)
            ns = range(low, min(count, low + limit))  # immediately newer than min_id
        else:
            low = max(0, self.index(query["since_id"]) + 1) if query.get("since_id") else 0
            ns = range(max(low, count - limit), count)
        statuses = []
        for n in reversed(ns):
            i = self.item(n)
            account = {"id": str(i["author"]), "username": "u%d" % i["author"], "acct": "u%d" % i["author"],
                       "display_name": "User %d" % i["author"], "followers_count": i["followers"]}
            statuses.append({"id": i["id"], "type": "mention", "created_at": iso(i["created"]), "account": account,
                             "status": {"id": i["id"], "created_at": iso(i["created"]),
                                        "content": "<p>%s</p>" % i["text"], "language": i["lang"],
                                        "visibility": "public", "url": "https://fake.example/@u%d/%s" % (i["author"], i["id"]),
                                        "in_reply_to_id": None, "edited_at": None, "replies_count": 0,
                                        "reblogs_count": 0, "favourites_count": 0, "account": account}})
        return 200, {}, statuses

    def rss(self, query, count):
        limit = int(query.get("limit") or 50)
        parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>synthetic</title>']
        for n in range(count - 1, max(0, count - limit) - 1, -1):
            i = self.item(n)
            parts.append("<item><guid>https://fake.example/p/%s</guid><title>%s</title><pubDate>%s</pubDate>"
                         "<author>user%d</author></item>" % (i["id"], i["text"], formatdate(i["created"], usegmt=True),
                                                            i["author"]))
        parts.append("</channel></rss>")
        return 200, {"Content-Type": "application/rss+xml; charset=utf-8"}, "".join(parts)
