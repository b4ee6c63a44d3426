// `odziv score`: judges posts from the command line. Reads plain text (one post per line), JSONL
// ({"text": …, optional "id", "lang", "platform", "kind", "rating", "author_reach", "likes", "replies",
// "shares", "age_seconds", "repeat_complaints"}) or the TSV of the sentiment data sets (header
// `id lang source score label text`), from the files named or from standard input, and writes one JSON
// object per post. With --eval it compares judged sentiment with the TSV's gold labels instead and
// prints n, accuracy, macro-F1 and Pearson r per file and pooled per language.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace odziv::daemon {

// `args` are the words after `score`. Returns the exit status: 0 done, 2 usage error (bad option,
// unreadable file), 65 some input lines could not be read (each reported on `err`, the rest judged),
// 78 configuration error (lexicons that do not load).
int RunScoreCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace odziv::daemon
