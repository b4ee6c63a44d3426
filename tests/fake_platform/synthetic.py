"""Synthetic traffic for fake_platform: a seeded stream of posts that arrive at a fixed rate of wall time,
served in each platform's wire format with its own paging, so that load tests can poll a "busy" source.

Item n (0-based) is created at start + n / rate_per_second and has id base_id + n; its text, author and
language come from a random.Random seeded with (seed, n), so every run serves the same items.
"""

import random
import time

WORDS_EN = ["delivery", "late", "great", "coffee", "refund", "order", "support", "broken", "love", "waiting"]
WORDS_SR = ["dostava", "kasni", "odlicno", "kafa", "povrat", "narudzba", "podrska", "pokvareno", "cekam", "hvala"]


class Feed:
    def __init__(self, args, now):
        self.platform = args.get("platform", "x")
        self.rate = float(args.get("rate_per_second", 1.0))
        self.seed = int(args.get("seed", 1))
        self.start = float(args.get("start_epoch", now))
        self.max_items = int(args.get("max_items", 100))
        self.base_id = int(args.get("base_id", 1900000000000000000 if self.platform == "x" else 110000000000000000))

    def available(self, now):
        return max(0, int((now - self.start) * self.rate) + 1) if now >= self.start else 0

    def item(self, n):
        rnd = random.Random(self.seed * 1000003 + n)
        lang = rnd.choice(["en", "sr", "hr"])
        words = WORDS_EN if lang == "en" else WORDS_SR
        text = " ".join(rnd.choice(words) for _ in range(rnd.randint(3, 12)))
        author = rnd.randint(1, 500)
        created = self.start + n / self.rate
        return {"id": str(self.base_id + n), "text": "@brand " + text, "lang": lang, "author": author,
                "created": created, "followers": rnd.randint(0, 100000)}

    def answer(self, query, now):
        """(status, headers, body) for one GET of the feed's path, honouring since_id / max_results."""
        count = self.available(now)
        since = query.get("since_id") or query.get("min_id")
        first = 0
        if since:
            first = max(0, int(since) - self.base_id + 1)
        limit = int(query.get("max_results") or query.get("limit") or self.max_items)
        last = min(count, first + limit)  # the oldest `limit` after since: nothing is skipped
        items = [self.item(n) for n in range(first, last)]
        iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".000Z"
        if self.platform == "mastodon":
            statuses = [{"id": i["id"], "created_at": iso(i["created"]), "content": "<p>%s</p>" % i["text"],
                         "language": i["lang"], "url": "https://fake.example/@u%d/%s" % (i["author"], i["id"]),
                         "in_reply_to_id": None, "edited_at": None, "replies_count": 0, "reblogs_count": 0,
                         "favourites_count": 0,
                         "account": {"id": str(i["author"]), "username": "u%d" % i["author"],
                                     "acct": "u%d" % i["author"], "display_name": "User %d" % i["author"],
                                     "followers_count": i["followers"]}} for i in items]
            notes = [{"id": s["id"], "type": "mention", "created_at": s["created_at"], "account": s["account"],
                      "status": s} for s in reversed(statuses)]
            return 200, {}, notes
        # X: newest first, like the real API, with meta.newest_id.
        data = [{"id": i["id"], "text": i["text"], "lang": i["lang"], "author_id": str(i["author"]),
                 "created_at": iso(i["created"]), "conversation_id": i["id"],
                 "edit_history_tweet_ids": [i["id"]]} for i in reversed(items)]
        users = {}
        for i in items:
            users[str(i["author"])] = {"id": str(i["author"]), "username": "user%d" % i["author"],
                                       "name": "User %d" % i["author"],
                                       "public_metrics": {"followers_count": i["followers"]}}
        body = {"meta": {"result_count": len(data)}}
        if data:
            body["data"] = data
            body["includes"] = {"users": list(users.values())}
            body["meta"]["newest_id"] = data[0]["id"]
            body["meta"]["oldest_id"] = data[-1]["id"]
        return 200, {}, body
